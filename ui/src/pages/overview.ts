// Overview: live numbers from successive /metrics scrapes (every 2 s): requests/s, where they went
// (local / cloud / FAQ / cache), latency and TTFT percentiles, errors by type, privacy refusals and
// the kinds found. The server keeps nothing for this page: the browser takes the differences.
import { getJson, getText } from '../api';
import { LineChart } from '../chart';
import { clear, fmt, h, table } from '../dom';
import { t } from '../i18n';
import { buckets, byLabel, parseMetrics, quantile, total, type Scrape } from '../prom';

interface Target {
  name: string;
  provider: string;
  local: boolean;
}
export interface OverviewInfo {
  targets: Target[];
  routes: string[];
  faq: boolean;
  cache: boolean;
  audit: boolean;
  budgets: { kind: string; name: string; usd_per_month: number; spent_usd?: number; requests_per_minute: number; tokens_per_minute: number }[];
}

interface Point {
  at: number;  // Unix seconds
  scrape: Scrape;
}

const POLL_MS = 2000;
const KEEP = 150;  // five minutes of points
const history: Point[] = [];  // kept across re-renders (a language switch) of the page

type Split = { local: number; cloud: number; faq: number; cache: number };

function split(s: Scrape, localTargets: Set<string>): Split {
  const out: Split = { local: 0, cloud: 0, faq: 0, cache: 0 };
  for (const [target, n] of byLabel(s, 'switchyard_route_decisions_total', 'target')) {
    if (target === 'faq') out.faq += n;
    else if (target === 'none') continue;
    else if (localTargets.has(target)) out.local += n;
    else out.cloud += n;
  }
  out.cache = total(s, 'switchyard_cache_requests_total', (l) => l.result === 'hit');
  return out;
}

function requests(s: Scrape): number {
  return total(s, 'switchyard_requests_total');
}

function errors(s: Scrape): number {
  return total(s, 'switchyard_errors_total');
}

// The point about `seconds` before the newest (or the oldest there is).
function back(seconds: number): Point | null {
  if (history.length < 2) return null;
  const newest = history[history.length - 1].at;
  for (let i = history.length - 2; i >= 0; i--) if (newest - history[i].at >= seconds) return history[i];
  return history[0];
}

function ms(v: number | null): string {
  return v === null ? '—' : fmt(v * 1000, v < 0.01 ? 2 : 1);
}

export function mountOverview(root: HTMLElement): () => void {
  let info: OverviewInfo | null = null;
  let localTargets = new Set<string>();
  let failed = false;

  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' }, t('common.loading'));
  const tiles = h('div', { class: 'tiles' });
  const splitHost = h('div', { class: 'chart', role: 'img', 'aria-label': t('overview.split') });
  const latencyHost = h('div', { class: 'chart', role: 'img', 'aria-label': t('overview.latencyChart') });
  const errorsBox = h('div');
  const privacyBox = h('div');
  clear(
    root,
    h('h1', {}, t('overview.title')),
    status,
    tiles,
    h('div', { class: 'grid2' },
      h('section', { class: 'card' }, h('h2', {}, t('overview.split')), splitHost),
      h('section', { class: 'card' }, h('h2', {}, t('overview.latencyChart')), latencyHost)),
    h('div', { class: 'grid2' },
      h('section', { class: 'card' }, h('h2', {}, t('overview.errorsByType')), errorsBox),
      h('section', { class: 'card' }, h('h2', {}, t('overview.privacy')), privacyBox)),
  );
  const splitChart = new LineChart(splitHost, { series: [t('overview.local'), t('overview.cloud'), t('overview.faq'), t('overview.cache')] });
  const latencyChart = new LineChart(latencyHost, { series: ['p50', 'p95', 'p99'] });

  function tile(label: string, value: string, id: string): HTMLElement {
    return h('div', { class: 'tile' }, h('div', { class: 'tile-label' }, label), h('div', { class: 'tile-value', 'data-metric': id }, value));
  }

  function render(): void {
    const newest = history[history.length - 1];
    if (!newest) return;
    const prev = history.length >= 2 ? history[history.length - 2] : null;
    const minute = back(60);
    const dt = prev ? newest.at - prev.at : 0;
    const rps = prev && dt > 0 ? (requests(newest.scrape) - requests(prev.scrape)) / dt : null;
    const eps = prev && dt > 0 ? (errors(newest.scrape) - errors(prev.scrape)) / dt : null;
    const lat = buckets(newest.scrape, 'switchyard_request_duration_seconds');
    const latOld = minute ? buckets(minute.scrape, 'switchyard_request_duration_seconds') : null;
    const ttft = buckets(newest.scrape, 'switchyard_time_to_first_token_seconds');
    const ttftOld = minute ? buckets(minute.scrape, 'switchyard_time_to_first_token_seconds') : null;
    clear(
      tiles,
      tile(t('overview.rps'), rps === null ? '—' : fmt(rps, 1), 'rps'),
      tile(t('overview.total'), fmt(requests(newest.scrape)), 'requests'),
      tile(t('overview.inFlight'), fmt(total(newest.scrape, 'switchyard_requests_in_flight')), 'in-flight'),
      tile(t('overview.errorRate'), eps === null ? '—' : fmt(eps, 1), 'errors'),
      tile(`${t('overview.latency')} p50 / p99`, `${ms(quantile(0.5, lat, latOld))} / ${ms(quantile(0.99, lat, latOld))} ms`, 'latency'),
      tile(`${t('overview.ttft')} p50 / p95`, `${ms(quantile(0.5, ttft, ttftOld))} / ${ms(quantile(0.95, ttft, ttftOld))} ms`, 'ttft'),
    );
    if (history.length < 2) status.textContent = t('overview.waiting');
    else status.textContent = failed ? t('common.paused') : t('common.live');

    // The charts: one point per interval between scrapes.
    const xs: number[] = [];
    const ys: (number | null)[][] = [[], [], [], []];
    const ps: (number | null)[][] = [[], [], []];
    for (let i = 1; i < history.length; i++) {
      const a = history[i - 1];
      const b = history[i];
      const d = b.at - a.at;
      if (d <= 0) continue;
      const sa = split(a.scrape, localTargets);
      const sb = split(b.scrape, localTargets);
      xs.push(b.at);
      ys[0].push((sb.local - sa.local) / d);
      ys[1].push((sb.cloud - sa.cloud) / d);
      ys[2].push((sb.faq - sa.faq) / d);
      ys[3].push((sb.cache - sa.cache) / d);
      const nb = buckets(b.scrape, 'switchyard_request_duration_seconds');
      const na = buckets(a.scrape, 'switchyard_request_duration_seconds');
      for (const [j, q] of [0.5, 0.95, 0.99].entries()) {
        const v = quantile(q, nb, na);
        ps[j].push(v === null ? null : v * 1000);
      }
    }
    splitChart.set(xs, ys);
    latencyChart.set(xs, ps);

    const byType = byLabel(newest.scrape, 'switchyard_errors_total', 'type');
    clear(
      errorsBox,
      byType.size === 0
        ? h('p', { class: 'muted' }, t('common.none'))
        : table([t('overview.type'), t('common.count')], [...byType].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, fmt(n)]), [1]),
    );
    const kinds = byLabel(newest.scrape, 'switchyard_privacy_findings_total', 'kind');
    clear(
      privacyBox,
      h('p', {}, `${t('overview.refusals')}: `, h('strong', { 'data-metric': 'refusals' }, fmt(byType.get('privacy_policy') ?? 0))),
      h('h3', {}, t('overview.kinds')),
      kinds.size === 0
        ? h('p', { class: 'muted' }, t('common.none'))
        : table([t('overview.kind'), t('common.requests')], [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, fmt(n)]), [1]),
    );
  }

  async function poll(): Promise<void> {
    try {
      if (!info) {
        info = await getJson<OverviewInfo>('/admin/overview');
        localTargets = new Set(info.targets.filter((x) => x.local).map((x) => x.name));
      }
      const text = await getText('/metrics');
      history.push({ at: Date.now() / 1000, scrape: parseMetrics(text) });
      if (history.length > KEEP) history.shift();
      failed = false;
    } catch (e) {
      failed = true;
      status.textContent = `${t('common.error')}: ${(e as Error).message}`;
    }
    render();
  }

  render();
  void poll();
  const timer = window.setInterval(() => void poll(), POLL_MS);
  return () => {
    window.clearInterval(timer);
    splitChart.destroy();
    latencyChart.destroy();
  };
}
