// Drift and feedback: drift from GET /admin/drift when this server has it (else "not configured";
// nothing is made up), and the ratings clients gave through POST /v1/feedback, by model and by
// version, from the switchyard_feedback_* series of /metrics.
import { getOptional, getText } from '../api';
import { clear, fmt, h, table } from '../dom';
import { t } from '../i18n';
import { byLabel, parseMetrics } from '../prom';

// The drift report as the server gives it, whatever its fields: scalars as "name value" pairs, a
// list of flat objects as a table, a list of objects with lists inside (series with their
// signals) as one block each: its scalars on a line, then its inner lists.
function scalar(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return fmt(v, Number.isInteger(v) ? 0 : 3);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function nested(v: unknown): boolean {
  return Array.isArray(v) || isPlainObject(v);
}

function renderValue(v: unknown): Node {
  if (Array.isArray(v)) {
    if (v.length === 0) return h('span', { class: 'muted' }, t('common.none'));
    if (!v.every(isPlainObject)) return h('span', {}, v.map(scalar).join(', '));
    const rows = v as Record<string, unknown>[];
    if (rows.some((r) => Object.values(r).some(nested))) {
      return h('div', {}, ...rows.map((r) => h('div', { class: 'subcard' },
        h('p', { class: 'kvline' }, ...Object.entries(r).filter(([, x]) => !nested(x)).map(([k, x]) => h('span', {}, h('span', { class: 'k' }, k), scalar(x)))),
        ...Object.entries(r).filter(([, x]) => nested(x)).map(([k, x]) => h('div', {}, h('h4', {}, k), renderValue(x))))));
    }
    const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    return h('div', { class: 'scroll' }, table(cols, rows.map((r) => cols.map((c) => scalar(r[c])))));
  }
  if (isPlainObject(v)) {
    const flat = Object.entries(v).filter(([, x]) => !nested(x));
    const deep = Object.entries(v).filter(([, x]) => nested(x));
    return h('div', {},
      flat.length ? h('p', { class: 'kvline' }, ...flat.map(([k, x]) => h('span', {}, h('span', { class: 'k' }, k), scalar(x)))) : null,
      ...deep.map(([k, x]) => h('div', {}, h('h3', {}, k), renderValue(x))));
  }
  return document.createTextNode(scalar(v));
}

export function mountDrift(root: HTMLElement): () => void {
  let alive = true;
  const driftBox = h('div', { 'data-section': 'drift' }, t('common.loading'));
  const feedbackBox = h('div', { 'data-section': 'feedback' }, t('common.loading'));
  clear(root, h('h1', {}, t('drift.title')),
    h('section', { class: 'card' }, h('h2', {}, t('drift.drift')), driftBox),
    h('section', { class: 'card' }, h('h2', {}, t('drift.feedback')), feedbackBox));

  async function load(): Promise<void> {
    try {
      const drift = await getOptional<unknown>('/admin/drift');
      if (!alive) return;
      clear(driftBox, drift === null ? h('p', { class: 'muted' }, t('drift.notConfigured')) : renderValue(drift));
    } catch (e) {
      clear(driftBox, h('p', { class: 'error' }, `${t('common.error')}: ${(e as Error).message}`));
    }
    try {
      const s = parseMetrics(await getText('/metrics'));
      if (!alive) return;
      const rows: [string, string, number, number][] = [];
      const counts = new Map<string, number>();
      const sums = new Map<string, number>();
      for (const x of s.get('switchyard_version_feedback_total') ?? []) counts.set(`${x.labels.model}\u0000${x.labels.version}`, x.value);
      for (const x of s.get('switchyard_version_feedback_score_sum') ?? []) sums.set(`${x.labels.model}\u0000${x.labels.version}`, x.value);
      for (const [k, n] of counts) {
        if (n <= 0) continue;
        const [model, version] = k.split('\u0000');
        rows.push([model, version, n, (sums.get(k) ?? 0) / n]);
      }
      const perModel = byLabel(s, 'switchyard_feedback_total', 'model');
      const total = [...perModel.values()].reduce((a, b) => a + b, 0);
      clear(feedbackBox, total === 0 && rows.length === 0
        ? h('p', { class: 'muted' }, t('drift.noFeedback'))
        : table([t('common.model'), t('common.version'), t('drift.ratings'), t('drift.meanScore')], rows.map(([m, v, n, mean]) => [m, v, fmt(n), fmt(mean, 2)]), [2, 3]));
    } catch (e) {
      clear(feedbackBox, h('p', { class: 'error' }, `${t('common.error')}: ${(e as Error).message}`));
    }
  }

  void load();
  const timer = window.setInterval(() => void load(), 10_000);
  return () => {
    alive = false;
    window.clearInterval(timer);
  };
}
