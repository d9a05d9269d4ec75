// Models: each model's versions and aliases from the registry (GET /admin/models), what serves on
// this server, the canary's share and a comparison by version (from /metrics), evaluation results
// where a version has them; promote, roll back, retire and canary through the admin API, each
// after a confirmation.
import { ApiError, getJson, getText, postJson } from '../api';
import { clear, confirmAction, fmt, h, table, utc } from '../dom';
import { t } from '../i18n';
import { byLabel, parseMetrics } from '../prom';

interface Version {
  model: string;
  version: string;
  path?: string;
  upstream_model?: string;
  quantization?: string;
  notes?: string;
  eval?: Record<string, unknown> | string;
  created_ms: number;
  state: string;
}
interface Alias {
  version: string;
  percent?: number;
  author?: string;
  updated_ms?: number;
}
interface ModelInfo {
  versions: Version[];
  aliases: Record<string, Alias>;
}
interface ModelsAnswer {
  models: Record<string, ModelInfo>;
  serving: { model: string; version: string; healthy: boolean; reason?: string }[];
}

function evalCell(v: Version): Node | string {
  if (v.eval === undefined || v.eval === '' || (typeof v.eval === 'object' && Object.keys(v.eval).length === 0)) {
    return h('span', { class: 'muted' }, t('common.notConfigured'));
  }
  if (typeof v.eval === 'string') return h('span', {}, v.eval);
  // `switchyard eval` keeps its runs under "runs" (one per dataset content); other fields are an
  // operator's own, shown as they are.
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v.eval)) {
    if (k === 'runs' && Array.isArray(x)) {
      for (const run of x as Record<string, unknown>[]) {
        const dataset = String(run.dataset ?? '').split('/').pop();
        parts.push(`${dataset}: ${fmt(Number(run.score), 3)} (${run.items} items, p95 ${fmt(Number(run.p95_latency_ms), 0)} ms)`);
      }
    } else {
      parts.push(`${k}: ${typeof x === 'number' ? fmt(x, 3) : JSON.stringify(x)}`);
    }
  }
  return h('span', {}, parts.join(', '));
}

export function mountModels(root: HTMLElement): () => void {
  let alive = true;
  const status = h('p', { role: 'status', 'aria-live': 'polite', class: 'muted' });
  const list = h('div', {}, t('common.loading'));
  // Reloaded after each action and on request, not on a timer: a reload would reset a half-typed form.
  const refresh = h('button', { type: 'button', onclick: () => void load() }, t('common.refresh'));
  clear(root, h('div', { class: 'title-row' }, h('h1', {}, t('models.title')), refresh), status, list);

  async function act(model: string, action: string, body: Record<string, unknown>, question: string, label: string): Promise<void> {
    if (!(await confirmAction(question, t('common.confirm'), t('common.cancel')))) return;
    try {
      await postJson(`/admin/models/${encodeURIComponent(model)}/${action}`, body);
      status.textContent = t('models.done', { action: label, model });
      status.className = 'ok';
    } catch (e) {
      status.textContent = e instanceof ApiError && e.status === 403 ? t('common.forbidden') : `${t('common.error')}: ${(e as Error).message}`;
      status.className = 'error';
    }
    await load();
  }

  function modelCard(name: string, m: ModelInfo, serving: ModelsAnswer['serving'], metrics: string): HTMLElement {
    const scrape = parseMetrics(metrics);
    const reqs = byLabel(scrape, 'switchyard_version_requests_total', 'version', (l) => l.model === name);
    const errs = byLabel(scrape, 'switchyard_version_requests_total', 'version', (l) => l.model === name && Number(l.status) >= 400);
    const latSum = byLabel(scrape, 'switchyard_version_request_duration_seconds_sum', 'version', (l) => l.model === name);
    const latCount = byLabel(scrape, 'switchyard_version_request_duration_seconds_count', 'version', (l) => l.model === name);
    const fb = byLabel(scrape, 'switchyard_version_feedback_total', 'version', (l) => l.model === name);

    const canary = m.aliases.canary;
    const production = m.aliases.production?.version;
    const active = m.versions.filter((v) => v.state === 'active');
    const aliasRows = Object.entries(m.aliases).map(([alias, a]) => [alias, a.version, a.percent !== undefined && alias !== 'production' ? `${fmt(a.percent, 1)}%` : '100%', a.updated_ms ? utc(a.updated_ms) : '—']);
    const versionRows = m.versions.map((v) => {
      const here = serving.find((s) => s.model === name && s.version === v.version);
      const n = reqs.get(v.version) ?? 0;
      const buttons = h('div', { class: 'buttons' });
      if (v.state === 'active' && v.version !== production) {
        buttons.append(
          h('button', { type: 'button', 'data-action': 'promote', 'data-version': v.version,
            onclick: () => void act(name, 'promote', { version: v.version }, t('models.confirmPromote', { model: name, version: v.version }), t('models.promote')) }, t('models.promote')),
          h('button', { type: 'button', class: 'danger', 'data-action': 'retire', 'data-version': v.version,
            onclick: () => void act(name, 'retire', { version: v.version }, t('models.confirmRetire', { model: name, version: v.version }), t('models.retire')) }, t('models.retire')),
        );
      }
      return [
        h('strong', {}, v.version), v.state,
        Object.entries(m.aliases).filter(([, a]) => a.version === v.version).map(([k]) => k).join(', ') || '—',
        h('span', { class: 'path', title: v.path || v.upstream_model || '' }, v.path || v.upstream_model || '—'), utc(v.created_ms),
        here ? h('span', { class: here.healthy ? 'ok' : 'error' }, here.healthy ? t('models.healthy') : `${t('models.unhealthy')}: ${here.reason ?? ''}`) : '—',
        fmt(n), fmt(errs.get(v.version) ?? 0),
        (latCount.get(v.version) ?? 0) > 0 ? fmt(((latSum.get(v.version) ?? 0) / (latCount.get(v.version) ?? 1)) * 1000, 1) : '—',
        fmt(fb.get(v.version) ?? 0), evalCell(v), buttons,
      ];
    });

    // Canary: pick a version and a share; or end the one running.
    const versionSelect = h('select', { id: `canary-version-${name}`, 'aria-label': t('common.version') },
      ...active.filter((v) => v.version !== production).map((v) => h('option', { value: v.version, selected: v.version === canary?.version }, v.version)));
    const percentInput = h('input', { id: `canary-percent-${name}`, type: 'number', min: 1, max: 100, step: 1, value: String(canary?.percent ?? 10) });
    const canaryForm = h('form', { class: 'row', onsubmit: (e: Event) => {
      e.preventDefault();
      const version = versionSelect.value;
      const percent = Number(percentInput.value);
      void act(name, 'canary', { version, percent }, t('models.confirmCanary', { model: name, version, percent }), t('models.startCanary'));
    } },
      h('label', { for: `canary-version-${name}` }, t('models.canary')), versionSelect,
      h('label', { for: `canary-percent-${name}` }, t('models.canaryPercent')), percentInput,
      h('button', { type: 'submit', 'data-action': 'canary', disabled: versionSelect.options.length === 0 }, t('models.startCanary')),
      canary ? h('button', { type: 'button', 'data-action': 'end-canary',
        onclick: () => void act(name, 'canary', { version: canary.version, percent: 0 }, t('models.confirmEndCanary', { model: name }), t('models.endCanary')) }, t('models.endCanary')) : null,
      canary ? h('button', { type: 'button', class: 'primary', 'data-action': 'promote-canary',
        onclick: () => void act(name, 'promote', {}, t('models.confirmPromote', { model: name, version: canary.version }), t('models.promote')) }, `${t('models.promote')} ${canary.version}`) : null,
    );

    return h('section', { class: 'card', 'data-model': name },
      h('h2', {}, name),
      h('h3', {}, t('models.aliases')),
      table([t('models.alias'), t('common.version'), t('models.share'), t('common.time')], aliasRows),
      canaryForm,
      h('h3', {}, `${t('models.versions')} · ${t('models.comparison')}`),
      h('div', { class: 'scroll' }, table(
        [t('common.version'), t('models.state'), t('models.aliases'), t('models.source'), t('models.created'), t('models.serving'), t('common.requests'), t('common.errors'), t('models.meanLatency'), t('drift.ratings'), t('models.eval'), t('models.actions')],
        versionRows, [6, 7, 8, 9])),
      h('div', { class: 'row' }, h('button', { type: 'button', 'data-action': 'rollback', disabled: !production,
        onclick: () => void act(name, 'rollback', {}, t('models.confirmRollback', { model: name }), t('models.rollback')) }, t('models.rollback'))),
    );
  }

  async function load(): Promise<void> {
    try {
      const [answer, metrics] = await Promise.all([getJson<ModelsAnswer>('/admin/models'), getText('/metrics')]);
      if (!alive) return;
      const names = Object.keys(answer.models).sort();
      clear(list, ...(names.length ? names.map((n) => modelCard(n, answer.models[n], answer.serving, metrics)) : [h('p', { class: 'muted' }, t('common.none'))]));
    } catch (e) {
      clear(list, h('p', { class: 'error' }, `${t('common.error')}: ${(e as Error).message}`));
    }
  }

  void load();
  return () => {
    alive = false;
  };
}
