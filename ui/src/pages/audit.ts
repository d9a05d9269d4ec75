// Audit: search the hash-chained audit trail by request id, key, model and time
// (GET /admin/audit), open a record as it was sealed, and verify the whole chain from the page
// (POST /admin/audit/verify, the check of `switchyard audit verify`).
import { ApiError, getJson, postJson } from '../api';
import { clear, fmt, h, table, usd, utc } from '../dom';
import { t } from '../i18n';

interface Row {
  seq: number;
  ts_ms: number;
  request_id: string;
  key: string;
  team: string;
  model: string;
  target: string;
  version: string;
  status: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  hash: string;
  record?: unknown;
  content?: string;
}

interface VerifyReport {
  ok: boolean;
  records: number;
  head_hash: string;
  problem?: { seq: number; request_id: string; kind: string; detail: string };
}

const query = { request_id: '', key: '', model: '', since: '', until: '', limit: '100' };

// <input type=datetime-local> gives "2026-12-05T14:30" with no zone; the page says UTC, so it is.
function toUtc(local: string): string {
  return local ? `${local.length === 16 ? local + ':00' : local}Z` : '';
}

function explain(e: unknown): string {
  return e instanceof ApiError && e.status === 403 ? t('common.forbidden') : `${t('common.error')}: ${(e as Error).message}`;
}

export function mountAudit(root: HTMLElement): () => void {
  let alive = true;
  const results = h('div', { 'aria-live': 'polite' });
  const detail = h('div');
  const verifyBox = h('div', { role: 'status', 'aria-live': 'polite' });

  const field = (name: keyof typeof query, label: string, type = 'text') =>
    [h('label', { for: `audit-${name}` }, label),
     h('input', { id: `audit-${name}`, name, type, value: query[name], step: type === 'datetime-local' ? 1 : undefined,
       oninput: (e: Event) => { query[name] = (e.target as HTMLInputElement).value; } })];
  const form = h('form', { class: 'search-form', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); void search(); } },
    ...field('request_id', t('audit.requestId')), ...field('key', t('common.key')), ...field('model', t('common.model')),
    ...field('since', t('audit.since'), 'datetime-local'), ...field('until', t('audit.until'), 'datetime-local'),
    ...field('limit', t('audit.limit'), 'number'),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t('audit.search'))));

  clear(root,
    h('h1', {}, t('audit.title')),
    h('section', { class: 'card' }, form),
    h('section', { class: 'card' },
      h('div', { class: 'row' }, h('button', { type: 'button', id: 'audit-verify', onclick: () => void verify() }, t('audit.verify'))),
      verifyBox),
    h('section', { class: 'card' }, h('h2', {}, t('audit.results')), results, detail));

  function show(row: Row): void {
    clear(detail,
      h('h3', {}, `${t('audit.record')} #${row.seq} · ${row.request_id}`),
      h('p', { class: 'mono small' }, `${t('audit.hash')}: ${row.hash}`),
      h('pre', { class: 'record', tabindex: 0 }, row.record !== undefined ? JSON.stringify(row.record, null, 2) : row.content ?? ''));
  }

  async function search(): Promise<void> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      const value = k === 'since' || k === 'until' ? toUtc(v) : v.trim();
      if (value) params.set(k, value);
    }
    clear(results, t('common.loading'));
    clear(detail);
    try {
      const answer = await getJson<{ data: Row[] }>(`/admin/audit?${params}`);
      if (!alive) return;
      if (answer.data.length === 0) {
        clear(results, h('p', { class: 'muted' }, t('audit.noResults')));
        return;
      }
      const rows = answer.data.map((r) => [
        String(r.seq), utc(r.ts_ms),
        h('button', { type: 'button', class: 'link mono', 'data-request-id': r.request_id, onclick: () => show(r) }, r.request_id),
        r.key || '—', r.model || '—', [r.target, r.version].filter(Boolean).join(' @ ') || '—', String(r.status),
        fmt(r.prompt_tokens + r.completion_tokens), usd(r.cost_usd)]);
      clear(results, h('div', { class: 'scroll' }, table([t('audit.seq'), t('common.time'), t('audit.requestId'), t('common.key'), t('common.model'), t('audit.target'), t('common.status'), 'Tokens', t('common.cost')], rows, [0, 7, 8])));
      if (answer.data.length === 1) show(answer.data[0]);
    } catch (e) {
      clear(results, h('p', { class: 'error', role: 'alert' }, explain(e)));
    }
  }

  async function verify(): Promise<void> {
    clear(verifyBox, t('common.loading'));
    try {
      const r = await postJson<VerifyReport>('/admin/audit/verify', {});
      if (!alive) return;
      clear(verifyBox, r.ok
        ? h('p', { class: 'ok', 'data-verify': 'ok' }, t('audit.verifyOk', { records: fmt(r.records), head: r.head_hash.slice(0, 16) + '…' }))
        : h('p', { class: 'error', 'data-verify': 'broken' }, t('audit.verifyBad', { seq: r.problem!.seq, kind: r.problem!.kind, detail: r.problem!.detail })));
    } catch (e) {
      clear(verifyBox, h('p', { class: 'error', role: 'alert' }, explain(e)));
    }
  }

  void search();
  return () => {
    alive = false;
  };
}
