// Cost: what was spent this month by team, key or model (GET /admin/usage, from the audit trail)
// beside what the same tokens would have cost on the planner's cloud model; the budgets and how
// much of each is used (GET /admin/overview); and the cost planner (POST /admin/cost/plan, the
// C++ planner of `switchyard cost plan`) with editable inputs and a chart of the modes by volume.
import { ApiError, getJson, postJson } from '../api';
import { LineChart } from '../chart';
import { clear, fmt, h, table, usd } from '../dom';
import { t, type LabelKey } from '../i18n';
import type { OverviewInfo } from './overview';

interface UsageRow {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  [group: string]: string | number;
}

interface Plan {
  currency: string;
  rate: number;
  traffic: { queries_per_day: number; input_tokens: number; output_tokens: number };
  cloud: { model: string; input_usd_per_m: number; output_usd_per_m: number; usd: number; in_currency: number };
  rented: { usd_low: number; usd_high: number; in_currency_low: number; in_currency_high: number };
  owned: { usd: number; in_currency: number };
  hybrid: { usd_low: number; usd_high: number; in_currency_low: number; in_currency_high: number };
  break_even_queries_per_day: number | null;
  tokens_per_second: number;
  observed?: Record<string, number>;
}

// The planner's editable inputs: [label, path in the inputs object, starting value]. The starting
// values are data/cost/example.yaml's, the documented example.
const FIELDS: [LabelKey, string, number | string][] = [
  ['cost.queriesPerDay', 'traffic.queries_per_day', 1000],
  ['cost.inputTokens', 'traffic.input_tokens', 1000],
  ['cost.outputTokens', 'traffic.output_tokens', 375],
  ['cost.cloudModel', 'cloud.model', 'gpt-4o-mini'],
  ['cost.cloudShare', 'hybrid.cloud_share', 0.3],
  ['cost.currency', 'currency', 'TWD'],
  ['cost.rate', 'rate', 32],
  ['cost.gpuLow', 'rented.usd_per_hour_low', 1.475],
  ['cost.gpuHigh', 'rented.usd_per_hour_high', 4.1],
  ['cost.hardware', 'owned.hardware_usd', 12000],
  ['cost.months', 'owned.amortisation_months', 36],
  ['cost.watts', 'owned.power_watts', 400],
  ['cost.kwh', 'owned.kwh_price', 4.0],
  ['cost.fte', 'owned.staff_fte', 0.2],
  ['cost.salary', 'owned.salary_usd_per_month', 5500],
];
const values = new Map<string, number | string>(FIELDS.map(([, path, v]) => [path, v]));
let fromAudit = false;
let auditWindow = '30d';
let groupBy = 'team';

function inputsObject(overrides: Record<string, number> = {}): Record<string, unknown> {
  const out: Record<string, Record<string, unknown> | unknown> = { owned: { kwh_currency: 'TWD' } };
  for (const [path, v] of values) {
    const value = path in overrides ? overrides[path] : v;
    const [a, b] = path.split('.');
    if (b === undefined) out[a] = value;
    else out[a] = { ...((out[a] as Record<string, unknown>) ?? {}), [b]: value };
  }
  // The kWh price is in the second currency when there is one, else in USD.
  (out.owned as Record<string, unknown>).kwh_currency = values.get('currency') === 'USD' ? 'USD' : values.get('currency');
  return out;
}

function monthStart(): string {
  const d = new Date();
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export function mountCost(root: HTMLElement): () => void {
  let alive = true;
  let plan: Plan | null = null;
  let usage: UsageRow[] | null = null;
  const actualBox = h('div', {}, t('common.loading'));
  const budgetsBox = h('div', {}, t('common.loading'));
  const planBox = h('div', { 'aria-live': 'polite' }, t('common.loading'));
  const chartHost = h('div', { class: 'chart', role: 'img', 'aria-label': t('cost.chart') });

  const groupSelect = h(
    'select',
    { id: 'cost-group', onchange: (e: Event) => { groupBy = (e.target as HTMLSelectElement).value; void loadUsage(); } },
    ...['team', 'key', 'model'].map((g) => h('option', { value: g, selected: g === groupBy }, g === 'team' ? t('common.team') : g === 'key' ? t('common.key') : t('common.model'))),
  );

  const form = h('form', { class: 'planner-form', onsubmit: (e: Event) => { e.preventDefault(); void replan(); } });
  for (const [label, path] of FIELDS) {
    const id = `plan-${path.replace('.', '-')}`;
    const isText = typeof values.get(path) === 'string';
    form.append(
      h('label', { for: id }, t(label)),
      h('input', {
        id, name: path, type: isText ? 'text' : 'number', step: 'any', value: String(values.get(path)),
        onchange: (e: Event) => {
          const el = e.target as HTMLInputElement;
          values.set(path, isText ? el.value : Number(el.value));
          void replan();
        },
      }),
    );
  }
  form.append(
    h('label', { for: 'plan-from-audit' }, t('cost.fromAudit')),
    h('input', { id: 'plan-from-audit', type: 'checkbox', checked: fromAudit, onchange: (e: Event) => { fromAudit = (e.target as HTMLInputElement).checked; void replan(); } }),
    h('label', { for: 'plan-since' }, t('cost.since')),
    h('select', { id: 'plan-since', onchange: (e: Event) => { auditWindow = (e.target as HTMLSelectElement).value; void replan(); } },
      ...['1d', '7d', '30d'].map((w) => h('option', { value: w, selected: w === auditWindow }, w))),
  );

  clear(
    root,
    h('h1', {}, t('cost.title')),
    h('section', { class: 'card' },
      h('h2', {}, t('cost.actual')),
      h('div', { class: 'row' }, h('label', { for: 'cost-group' }, t('cost.by')), groupSelect),
      actualBox),
    h('section', { class: 'card' }, h('h2', {}, t('cost.budgets')), budgetsBox),
    h('section', { class: 'card' },
      h('h2', {}, t('cost.planner')),
      h('p', { class: 'muted' }, t('cost.plannerHelp')),
      h('div', { class: 'grid2' }, form, h('div', {}, planBox, h('h3', {}, t('cost.chart')), chartHost))),
  );
  const chart = new LineChart(chartHost, { series: [t('cost.cloudApi'), `${t('cost.rented')} (low)`, `${t('cost.rented')} (high)`, t('cost.owned'), t('cost.hybrid')], time: false, logX: true, xLabel: t('cost.queriesPerDay') });

  function renderActual(): void {
    if (!usage) return;
    if (usage.length === 0) {
      clear(actualBox, h('p', { class: 'muted' }, t('common.none')));
      return;
    }
    const inPrice = plan?.cloud.input_usd_per_m ?? null;
    const outPrice = plan?.cloud.output_usd_per_m ?? null;
    const rows = usage.map((r) => {
      const allCloud = inPrice === null || outPrice === null ? null : (r.prompt_tokens * inPrice + r.completion_tokens * outPrice) / 1e6;
      return [String(r[groupBy] || '—'), fmt(r.requests), fmt(r.prompt_tokens), fmt(r.completion_tokens), usd(r.cost_usd), usd(allCloud), usd(allCloud === null ? null : allCloud - r.cost_usd)];
    });
    clear(
      actualBox,
      table([t(groupBy === 'team' ? 'common.team' : groupBy === 'key' ? 'common.key' : 'common.model'), t('common.requests'), t('common.tokensIn'), t('common.tokensOut'), t('common.cost'), t('cost.allCloud'), t('cost.saved')], rows, [1, 2, 3, 4, 5, 6]),
      h('p', { class: 'muted' }, `${t('cost.allCloudNote')} (${plan?.cloud.model ?? '—'}: ${usd(inPrice)} / ${usd(outPrice)} per 1M)`),
    );
  }

  async function loadUsage(): Promise<void> {
    try {
      const res = await getJson<{ data: UsageRow[] }>(`/admin/usage?by=${groupBy}&since=${monthStart()}`);
      if (!alive) return;
      usage = res.data;
      renderActual();
    } catch (e) {
      const message = e instanceof ApiError && e.status === 403 ? t('common.forbidden') : `${t('common.error')}: ${(e as Error).message}`;
      clear(actualBox, h('p', { class: 'error' }, message));
    }
  }

  async function loadBudgets(): Promise<void> {
    try {
      const info = await getJson<OverviewInfo>('/admin/overview');
      if (!alive) return;
      if (info.budgets.length === 0) {
        clear(budgetsBox, h('p', { class: 'muted' }, t('cost.noBudgets')));
        return;
      }
      const rows = info.budgets.map((b) => {
        const used = b.usd_per_month > 0 && b.spent_usd !== undefined ? b.spent_usd / b.usd_per_month : null;
        const bar = used === null ? '—' : h('div', { class: 'bar-row' },
          h('progress', { max: 1, value: Math.min(1, used), 'aria-label': `${b.kind} ${b.name}` }),
          h('span', {}, `${fmt(used * 100, 1)}%`));
        return [`${b.kind === 'team' ? t('common.team') : t('common.key')}: ${b.name}`, b.usd_per_month > 0 ? usd(b.usd_per_month) : '—', usd(b.spent_usd), bar, b.requests_per_minute || '—', b.tokens_per_minute || '—'];
      });
      clear(budgetsBox, table(['', t('cost.limit'), t('common.cost'), t('cost.budgetUsed'), t('cost.rpm'), t('cost.tpm')], rows, [1, 2, 4, 5]));
    } catch (e) {
      clear(budgetsBox, h('p', { class: 'error' }, `${t('common.error')}: ${(e as Error).message}`));
    }
  }

  function renderPlan(p: Plan): void {
    const c = p.currency;
    const range = (lo: number, hi: number) => (lo === hi ? usd(lo) : `${usd(lo)} – ${usd(hi)}`);
    const rangeC = (lo: number, hi: number) => (lo === hi ? fmt(lo) : `${fmt(lo)} – ${fmt(hi)}`);
    const modes: [string, number, number, string][] = [
      [t('cost.cloudApi'), p.cloud.usd, p.cloud.usd, fmt(p.cloud.in_currency)],
      [t('cost.rented'), p.rented.usd_low, p.rented.usd_high, rangeC(p.rented.in_currency_low, p.rented.in_currency_high)],
      [t('cost.owned'), p.owned.usd, p.owned.usd, fmt(p.owned.in_currency)],
      [t('cost.hybrid'), p.hybrid.usd_low, p.hybrid.usd_high, rangeC(p.hybrid.in_currency_low, p.hybrid.in_currency_high)],
    ];
    const most = Math.max(...modes.map((m) => m[2]), 1);
    clear(
      planBox,
      table(
        [t('cost.mode'), t('cost.usdMonth'), `${t('cost.inCurrency')} ${c}`, ''],
        modes.map(([name, lo, hi, inC]) => [name, range(lo, hi), inC, h('div', { class: 'hbar-track', 'aria-hidden': 'true' }, h('div', { class: 'hbar', style: `width:${Math.max(1, (hi / most) * 100)}%` }))]),
        [1, 2],
      ),
      h('p', {}, `${t('cost.breakEven')}: `, h('strong', {}, p.break_even_queries_per_day === null ? '—' : fmt(p.break_even_queries_per_day))),
      h('p', {}, `${t('cost.tokensPerSecond')}: `, h('strong', {}, fmt(p.tokens_per_second, 1))),
      p.observed ? h('p', { class: 'muted' }, `${t('cost.observed')}: ${Object.entries(p.observed).map(([k, v]) => `${k} ${fmt(v, Number.isInteger(v) ? 0 : 2)}`).join(', ')}`) : null,
    );
  }

  // The chart: the planner at volumes around the current one (each point the C++ planner's answer).
  async function chartPlans(q: number): Promise<void> {
    const base = Math.max(10, q);
    const volumes = [1 / 16, 1 / 4, 1, 4, 16, 64, 256].map((f) => Math.round(base * f));
    const plans = await Promise.all(volumes.map((v) => postJson<Plan>('/admin/cost/plan', { inputs: inputsObject({ 'traffic.queries_per_day': v }) })));
    if (!alive) return;
    chart.set(volumes, [plans.map((p) => p.cloud.usd), plans.map((p) => p.rented.usd_low), plans.map((p) => p.rented.usd_high), plans.map((p) => p.owned.usd), plans.map((p) => p.hybrid.usd_high)]);
  }

  let generation = 0;
  async function replan(): Promise<void> {
    const mine = ++generation;
    try {
      const body = fromAudit ? { inputs: inputsObject(), from_audit: true, since: auditWindow } : { inputs: inputsObject() };
      const p = await postJson<Plan>('/admin/cost/plan', body);
      if (!alive || mine !== generation) return;
      plan = p;
      renderPlan(p);
      renderActual();
      await chartPlans(p.traffic.queries_per_day);
    } catch (e) {
      if (!alive || mine !== generation) return;
      const message = e instanceof ApiError && e.status === 403 ? t('common.forbidden') : (e as Error).message;
      clear(planBox, h('p', { class: 'error', role: 'alert' }, `${t('common.error')}: ${message}`));
    }
  }

  void replan();
  void loadUsage();
  void loadBudgets();
  return () => {
    alive = false;
    chart.destroy();
  };
}
