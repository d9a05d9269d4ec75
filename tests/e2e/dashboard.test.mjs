// The dashboard at /ui in Debian's Chromium (driven by playwright-core), against the real binary
// with the demo model and a fake cloud: it signs in with the admin key; traffic sent by the official
// `openai` SDK shows up in the overview within seconds (requests, where they went, a privacy
// refusal and the kinds found); a canary started and promoted from the models page is live (checked
// with a request); the audit page finds a request by its id and verifies the chain; the cost page
// prices the canonical example with the C++ planner. A screenshot of every page is kept under
// build/<preset>/artifacts/ui/ (next to the binary) for a person to look at.
//   SWITCHYARD_BINARY=... SWITCHYARD_DEMO_MODEL=var/models/faq-tiny.gguf node --test tests/e2e/dashboard.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { chromium } from 'playwright-core';

import { BINARY, adminCall, readJson, sendChatAnswer, startSwitchyard } from './lib/switchyard.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = process.env.SWITCHYARD_DEMO_MODEL || path.join(ROOT, 'var/models/faq-tiny.gguf');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.SWITCHYARD_UI_ARTIFACTS || path.join(path.dirname(BINARY), 'artifacts', 'ui');
const ADMIN = 'adm-dashboard-e2e';
const T = 120_000;

let fake;
let sy;
let browser;
let page;
let base;
let client;
const consoleErrors = [];

before(async () => {
  assert.ok(fs.existsSync(MODEL), `demo model missing at ${MODEL} (scripts/demo-model builds it)`);
  assert.ok(fs.existsSync(CHROMIUM), `Chromium missing at ${CHROMIUM} (scripts/setup installs Debian's chromium)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // A cloud provider that answers at once: the long questions of the default policy go there.
  fake = http.createServer(async (req, res) => {
    const body = await readJson(req);
    sendChatAnswer(res, body, { text: 'From the cloud.' }, { base: { id: 'chatcmpl-up', created: 1_700_000_000, model: 'gpt-4o-mini' }, usage: { prompt_tokens: 120, completion_tokens: 4, total_tokens: 124 } });
  });
  await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
  sy = await startSwitchyard([
    'log: {access: off}',
    'store: sqlite:switchyard.db',
    `prices: "${path.join(ROOT, 'data/prices.yaml')}"`,
    `admin_key: ${ADMIN}`,
    'keys:',
    '  - {name: alice, key: k-alice, team: support, limits: {usd_per_month: 20}}',
    '  - {name: vera, key: k-viewer, role: viewer}',
    'teams:',
    '  - {name: support, limits: {usd_per_month: 100, requests_per_minute: 1000}}',
    'models:',
    `  - {name: faq-local, provider: local, path: "${MODEL}", slots: 2}`,
    `  - {name: gpt-4o-mini, provider: openai_compat, base_url: "http://127.0.0.1:${fake.address().port}/v1", api_key: sk-up, retries: 0}`,
    'routes:',
    '  - {name: auto, local: [faq-local], cloud: [gpt-4o-mini]}',
  ]);
  base = `http://${sy.addr}`;
  client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'k-alice', maxRetries: 0, timeout: 60_000 });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

after(async () => {
  await browser?.close();
  if (sy) {
    const { code, signal } = await sy.stop();
    assert.equal(signal, null, `switchyard ended by ${signal}:\n${sy.log()}`);
    assert.equal(code, 0, `switchyard exit code ${code}:\n${sy.log()}`);
  }
  await new Promise((resolve) => fake?.close(resolve));
});

const admin = (pathname, body) => adminCall(base, ADMIN, pathname, body);

async function shot(name) {
  // Let the charts draw their latest points before the picture is taken.
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function metric(id) {
  return (await page.locator(`[data-metric="${id}"]`).textContent()).trim();
}

const ask = (content, extra = {}) => ({ model: 'auto', max_tokens: 12, messages: [{ role: 'user', content }], ...extra });
const LONG = 'Please summarise, for the quarterly review of our internal tooling, how the travel expense ' +
  'policy changed this year, what the new approval chain looks like for trips abroad, and which receipts ' +
  'finance now wants attached to a claim before it is reimbursed, in three short paragraphs, and say by when ' +
  'a claim must be filed after the trip ends.';

test('the static files need no key; the data calls do', { timeout: T }, async () => {
  const page0 = await fetch(`${base}/ui/`);
  assert.equal(page0.status, 200);
  assert.match(page0.headers.get('content-type'), /^text\/html/);
  assert.equal(page0.headers.get('cache-control'), 'no-cache');
  const html = await page0.text();
  const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script, html);
  const js = await fetch(`${base}${script}`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  assert.match(js.headers.get('cache-control'), /immutable/);
  const again = await fetch(`${base}${script}`, { headers: { 'if-none-match': js.headers.get('etag') } });
  assert.equal(again.status, 304);
  assert.equal((await fetch(`${base}/ui`, { redirect: 'manual' })).headers.get('location'), '/ui/');
  assert.equal((await fetch(`${base}/ui/assets/missing.js`)).status, 404);
  assert.equal((await fetch(`${base}/admin/overview`)).status, 401);
  // A model key is no admin key (401 before roles, 403 with them).
  assert.ok([401, 403].includes((await fetch(`${base}/admin/audit`, { headers: { authorization: 'Bearer k-alice' } })).status));
});

test('the admin endpoints behind the pages: the planner is `cost plan --json`, bad queries are 400s', { timeout: T }, async () => {
  // data/cost/example.yaml as JSON: the same object the CLI prints for the file.
  const example = {
    currency: 'TWD', rate: 32,
    traffic: { queries_per_day: 1000, input_tokens: 1000, output_tokens: 375, busy_hours_per_day: 8 },
    cloud: { model: 'gpt-4o-mini' },
    rented: { gpu: 'A100', gpus: 1, usd_per_hour_low: 1.475, usd_per_hour_high: 4.10, hours_per_day: 24, utilisation: 1.0 },
    owned: { hardware_usd: 12000, amortisation_months: 36, power_watts: 400, kwh_price: 4.0, kwh_currency: 'TWD', staff_fte: 0.2, salary_usd_per_month: 5500, hosting_usd_per_month: 0 },
    hybrid: { local: 'owned', cloud_share: 0.3, extra_fte: 0.1 },
  };
  const planned = await admin('/admin/cost/plan', { inputs: example });
  assert.equal(planned.status, 200, JSON.stringify(planned.json));
  const cli = JSON.parse(execFileSync(BINARY, ['cost', 'plan', '--inputs', path.join(ROOT, 'data/cost/example.yaml'),
    '--prices', path.join(ROOT, 'data/prices.yaml'), '--json'], { encoding: 'utf8' }));
  assert.deepEqual(planned.json, cli);
  assert.equal(planned.json.owned.usd, 1469);
  const bad = await admin('/admin/cost/plan', { inputs: { traffic: { queries_per_dya: 5 } } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /queries_per_dya/);
  assert.equal((await admin('/admin/audit?limit=0')).status, 400);
  assert.equal((await admin('/admin/audit?since=yesterday')).status, 400);
  assert.equal((await admin('/admin/audit?colour=red')).status, 400);
  const overview = await admin('/admin/overview');
  assert.deepEqual(overview.json.targets.map((x) => [x.name, x.local]), [['faq-local', true], ['gpt-4o-mini', false]]);
  assert.deepEqual(overview.json.budgets.map((b) => `${b.kind}:${b.name}:${b.usd_per_month}`), ['key:alice:20', 'team:support:100']);
});

test('sign in; the overview moves with openai SDK traffic: requests, local and cloud, a refusal, kinds found', { timeout: T }, async () => {
  await page.goto(`${base}/ui/`);
  await page.fill('#login-key', 'wrong-key');
  await page.click('button[type=submit]');
  await page.locator('.login .error', { hasText: 'not accepted' }).waitFor();
  await page.fill('#login-key', ADMIN);
  await page.keyboard.press('Enter');
  await page.locator('h1', { hasText: 'Overview' }).waitFor();
  // Two scrapes (2 s apart) before any traffic, so the first requests are a difference.
  await page.locator('[role=status]', { hasText: 'Live' }).waitFor();
  const before = Number((await metric('requests')).replace(/,/g, ''));

  // Short questions go to the local model, a long one to the cloud (the default policy); a personal
  // question asked of the cloud model by name is refused (no local target may take it).
  for (let i = 0; i < 4; i++) await client.chat.completions.create(ask(`How do I connect to the VPN? (${i})`));
  await client.chat.completions.create(ask(LONG));
  await client.chat.completions.create(ask('My e-mail is chen.mei@example.com, reset my VPN token'));
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 8, messages: [{ role: 'user', content: 'My ID is A123456789, what is my leave balance?' }] }),
    (e) => e.status === 403 && e.type === 'privacy_policy',
  );
  const sent = 7;
  const start = Date.now();
  await page.waitForFunction(
    ([want]) => Number(document.querySelector('[data-metric="requests"]')?.textContent.replace(/,/g, '')) >= want,
    [before + sent], { timeout: 10_000 });
  const seenAfterMs = Date.now() - start;
  assert.ok(seenAfterMs < 10_000, `the overview took ${seenAfterMs} ms`);
  await page.locator('[data-metric="refusals"]', { hasText: '1' }).waitFor();
  const kinds = await page.locator('section', { hasText: 'Kinds found' }).textContent();
  assert.match(kinds, /email/);
  assert.match(kinds, /tw_national_id/);
  // The long question went to the cloud, the others stayed local (the route split's two lines).
  const split = await (await fetch(`${base}/metrics`)).text();
  assert.match(split, /switchyard_route_decisions_total\{route="auto",rule="[^"]*",target="gpt-4o-mini"\} 1\b/);
  const errors = await page.locator('section', { hasText: 'Errors by type' }).textContent();
  assert.match(errors, /privacy_policy/);
  // The last minute's latency percentiles are numbers now, not dashes.
  assert.match(await metric('latency'), /^[\d.,]+ \/ [\d.,]+ ms$/);
  // Traffic while the page polls: requests/s goes above zero.
  const load = (async () => { for (let i = 0; i < 8; i++) await client.chat.completions.create(ask(`Where is the leave form? (${i})`)); })();
  await page.waitForFunction(() => Number(document.querySelector('[data-metric="rps"]')?.textContent) > 0, null, { timeout: 10_000 });
  await load;
  await page.waitForFunction(
    ([want]) => Number(document.querySelector('[data-metric="requests"]')?.textContent.replace(/,/g, '')) >= want,
    [before + sent + 8], { timeout: 10_000 });
  await shot('overview');

  // Traditional Chinese labels, and back.
  await page.click('button.lang');
  await page.locator('h1', { hasText: '總覽' }).waitFor();
  await page.locator('nav a', { hasText: '模型' }).waitFor();
  await shot('overview-zh-Hant');
  await page.click('button.lang');
  await page.locator('h1', { hasText: 'Overview' }).waitFor();
});

test('cost: spend by team against all-cloud, budgets used, and the planner on the canonical example', { timeout: T }, async () => {
  await page.click('nav a[data-page="cost"]');
  await page.locator('h1', { hasText: 'Cost' }).waitFor();
  // The starting inputs are data/cost/example.yaml's: an owned box costs $1,469 a month.
  const planner = page.locator('section', { hasText: 'Cost planner' });
  await planner.locator('td', { hasText: '$1,469.00' }).first().waitFor();
  assert.match(await planner.textContent(), /\$1,062\.00 – \$2,952\.00/);
  // Editing an input re-plans through the server: twice the power, NT$1,152 -> 2,304 a month.
  await page.fill('#plan-owned-power_watts', '800');
  await page.press('#plan-owned-power_watts', 'Enter');
  await planner.locator('td', { hasText: '$1,505.00' }).first().waitFor();
  const spend = page.locator('section', { hasText: 'Actual spend' });
  await spend.locator('td', { hasText: 'support' }).waitFor();
  const budgets = page.locator('section', { hasText: 'Budgets' });
  await budgets.locator('td', { hasText: 'alice' }).waitFor();
  await budgets.locator('td', { hasText: 'support' }).waitFor();
  await shot('cost');
});

test('models: a canary started and promoted from the page is live', { timeout: T }, async () => {
  const v2 = path.join(sy.dir, 'faq-v2.gguf');
  fs.copyFileSync(MODEL, v2);
  const added = await admin('/admin/models/faq-local/versions', { version: 'v2', path: v2, notes: 'retrained', eval: { faq_accuracy: 0.91 } });
  assert.equal(added.status, 200, JSON.stringify(added.json));

  await page.click('nav a[data-page="models"]');
  const card = page.locator('section[data-model="faq-local"]');
  await card.locator('td', { hasText: 'v2' }).first().waitFor();
  await page.selectOption('#canary-version-faq-local', 'v2');
  await page.fill('#canary-percent-faq-local', '50');
  await card.locator('button[data-action="canary"]').click();
  // A confirmation first; cancelling changes nothing.
  await page.locator('dialog.confirm').waitFor();
  await page.keyboard.press('Escape');
  assert.equal((await admin('/admin/models/faq-local')).json.models['faq-local'].aliases.canary, undefined);
  await card.locator('button[data-action="canary"]').click();
  await page.locator('dialog.confirm button[value="yes"]').click();
  await page.locator('[role=status]', { hasText: 'Done: Start canary faq-local' }).waitFor();
  const canary = (await admin('/admin/models/faq-local')).json.models['faq-local'].aliases.canary;
  assert.equal(canary?.version, 'v2');
  assert.equal(canary?.percent, 50);
  await page.locator('section[data-model="faq-local"] button[data-action="promote-canary"]').waitFor();
  await shot('models-canary');

  await page.locator('section[data-model="faq-local"] button[data-action="promote-canary"]').click();
  await page.locator('dialog.confirm button[value="yes"]').click();
  await page.locator('[role=status]', { hasText: 'Done: Promote faq-local' }).waitFor();
  const { response } = await client.chat.completions.create({ model: 'faq-local', max_tokens: 8, user: 'anyone', messages: [{ role: 'user', content: 'How do I reset my password?' }] }).withResponse();
  assert.equal(response.headers.get('x-switchyard-version'), 'v2');
  await page.locator('section[data-model="faq-local"] td', { hasText: 'production' }).first().waitFor();
  await shot('models');
});

test('audit: a request found by its id, its record shown, the chain verified', { timeout: T }, async () => {
  const { response } = await client.chat.completions.create(ask('How many days of annual leave do I get?')).withResponse();
  const id = response.headers.get('x-switchyard-request-id');
  assert.match(id, /^req_/);
  await page.click('nav a[data-page="audit"]');
  await page.locator('h1', { hasText: 'Audit trail' }).waitFor();
  await page.fill('#audit-request_id', id);
  await page.click('button[type=submit]');
  await page.locator(`button[data-request-id="${id}"]`).waitFor();
  assert.equal(await page.locator('button[data-request-id]').count(), 1);
  const record = await page.locator('pre.record').textContent();
  assert.equal(JSON.parse(record).request_id, id);
  assert.equal(JSON.parse(record).key, 'alice');
  await page.click('#audit-verify');
  await page.locator('[data-verify="ok"]').waitFor();
  await shot('audit');
  // Searching by key and model finds it among others.
  await page.fill('#audit-request_id', '');
  await page.fill('#audit-key', 'alice');
  await page.fill('#audit-model', 'faq-local');
  await page.click('button[type=submit]');
  await page.locator(`button[data-request-id="${id}"]`).waitFor();
});

test('drift and feedback: drift as the server has it, feedback from real ratings', { timeout: T }, async () => {
  const { response } = await client.chat.completions.create({ model: 'faq-local', max_tokens: 8, messages: [{ role: 'user', content: 'VPN?' }] }).withResponse();
  await client.post('/feedback', { body: { request_id: response.headers.get('x-switchyard-request-id'), score: 1 } });
  const drift = await fetch(`${base}/admin/drift`, { headers: { authorization: `Bearer ${ADMIN}` } });
  await page.click('nav a[data-page="drift"]');
  await page.locator('h1', { hasText: 'Drift and feedback' }).waitFor();
  const driftBox = page.locator('[data-section="drift"]');
  if (drift.status === 200) await driftBox.locator('.kvline').first().waitFor();
  else await driftBox.locator('text=not configured').waitFor();
  await page.locator('[data-section="feedback"] td', { hasText: 'faq-local' }).waitFor({ timeout: 15_000 });
  await shot('drift');
  assert.deepEqual(consoleErrors.filter((e) => !/status of 40[134]/.test(e)), [], 'no script errors in the page');
});

test('a viewer key loads the overview but may not promote (403, said on the page)', { timeout: T }, async () => {
  const viewer = (pathname, body) => fetch(`${base}${pathname}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: 'Bearer k-viewer', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal((await viewer('/admin/overview')).status, 200);
  assert.equal((await viewer('/admin/models')).status, 200);
  assert.equal((await viewer('/admin/models/faq-local/promote', { version: 'v1' })).status, 403);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const p = await context.newPage();
    p.setDefaultTimeout(15_000);
    await p.goto(`${base}/ui/#key=k-viewer`);
    // The key came in the fragment, which is taken off the address at once.
    await p.locator('[role=status]', { hasText: 'Live' }).waitFor();
    assert.ok(!p.url().includes('k-viewer'), p.url());
    await p.click('nav a[data-page="models"]');
    await p.locator('section[data-model="faq-local"] button[data-action="promote"]').first().click();
    await p.locator('dialog.confirm button[value="yes"]').click();
    await p.locator('[role=status]', { hasText: '403' }).waitFor();
    const shown = (await admin('/admin/models/faq-local')).json.models['faq-local'].aliases.production.version;
    assert.equal(shown, 'v2', 'the viewer changed nothing');
    await p.screenshot({ path: path.join(ARTIFACTS, 'viewer-models-403.png'), fullPage: true });
  } finally {
    await context.close();
  }
});
