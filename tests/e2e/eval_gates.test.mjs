// `switchyard eval` and the eval gates, against the real binary and the demo model: a version
// without an evaluation is refused a canary and a promotion (CLI and admin API), an evaluation
// through the running server is stored with the version and lets it through, a bad one does not,
// --force goes ahead and the audit chain says so, a judge never sees sensitive lines through a
// cloud target, and the in-process mode (--config alone) scores the same as the live server.
//   SWITCHYARD_BINARY=... SWITCHYARD_DEMO_MODEL=var/models/faq-tiny.gguf node --test tests/e2e/eval_gates.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { BINARY, adminCall, startSwitchyard } from './lib/switchyard.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = process.env.SWITCHYARD_DEMO_MODEL || path.join(ROOT, 'var/models/faq-tiny.gguf');
const T = 240_000;
const ADMIN = 'adm-eval';
const KEY = 'k-eval';

let sy;
let work;       // this test's own folder: store, datasets, reports
let config;     // the server's config file, which the CLI reads too
const lines = (file) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

function cli(args, { timeout = 180_000 } = {}) {
  const r = spawnSync(BINARY, args, { encoding: 'utf8', timeout, env: { ...process.env, SWITCHYARD_AUTHOR: 'e2e-tester' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const admin = (pathname, body) => adminCall(`http://${sy.addr}`, ADMIN, pathname, body);

before(async () => {
  assert.ok(fs.existsSync(MODEL), `demo model missing at ${MODEL} (scripts/demo-model builds it)`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-eval-'));
  // The gate's dataset: eight FAQ questions the demo model was trained on, with their answers
  // and the fact each must state (data/eval/faq.jsonl holds all forty).
  const faq = lines(path.join(ROOT, 'data/eval/faq.jsonl'));
  const picked = [0, 5, 10, 15, 20, 25, 30, 35].map((i) => faq[i]);
  fs.writeFileSync(path.join(work, 'gate.jsonl'), picked.map((o) => JSON.stringify(o)).join('\n') + '\n');
  // The same questions expecting other facts: what a model that learned the wrong thing scores.
  const wrong = picked.map((o, i) => ({ id: o.id, prompt: o.prompt, expected: picked[(i + 3) % picked.length].expected,
                                        checks: [{ type: 'contains', value: picked[(i + 3) % picked.length].checks[1].value }] }));
  fs.writeFileSync(path.join(work, 'wrong.jsonl'), wrong.map((o) => JSON.stringify(o)).join('\n') + '\n');
  sy = await startSwitchyard([
    'log: {access: off}',
    `store: sqlite:${path.join(work, 'store.db')}`,
    `admin_key: ${ADMIN}`,
    'keys:',
    `  - {name: evaluator, key: ${KEY}}`,
    'models:',
    `  - {name: faq-local, provider: local, path: "${MODEL}", slots: 4, parameters: {temperature: 0}}`,
    // A cloud target that is never reachable here: the router must not even try it for the judge
    // of a sensitive line.
    '  - {name: cloud-judge, provider: openai, api_key: sk-test, base_url: "http://127.0.0.1:9/v1", model: gpt-4o-mini}',
    'gates:',
    `  faq-local: {dataset: "${path.join(work, 'gate.jsonl')}", min_score: 0.85, max_regression: 0.02}`,
  ]);
  config = path.join(sy.dir, 'switchyard.yaml');
  // Each candidate is deployed under an alias of its own (not gated: no traffic goes to it unless
  // asked for by name), so `faq-local@vN` reaches it.
  for (const [v, alias] of [['v2', 'staging'], ['v3', 'candidate']]) {
    const file = path.join(work, `faq-${v}.gguf`);
    fs.copyFileSync(MODEL, file);
    const added = cli(['models', 'add', 'faq-local', v, '--path', file, '--alias', alias, '--config', config]);
    assert.equal(added.code, 0, added.err);
  }
});

after(async () => {
  if (sy) {
    const { code, signal } = await sy.stop();
    assert.equal(signal, null, `switchyard ended by ${signal}:\n${sy.log()}`);
    assert.equal(code, 0, `switchyard exit code ${code}:\n${sy.log()}`);
  }
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a version without an evaluation is refused a canary; a good evaluation lets it through', { timeout: T }, async () => {
  const refused = cli(['models', 'canary', 'faq-local', 'v2', '--percent', '10', '--config', config]);
  assert.equal(refused.code, 3, refused.err);
  assert.match(refused.err, /does not pass its eval gate: v2 has no evaluation on .*gate\.jsonl/);

  const json = path.join(work, 'v2.json');
  const html = path.join(work, 'v2.html');
  const ran = cli(['eval', '--model', 'faq-local@v2', '--data', path.join(work, 'gate.jsonl'), '--url', `http://${sy.addr}`,
                   '--key', KEY, '--config', config, '--json', json, '--html', html, '--min-score', '0.85']);
  assert.equal(ran.code, 0, ran.out + ran.err);
  assert.match(ran.out, /recorded with faq-local@v2 in the registry/);
  const report = JSON.parse(fs.readFileSync(json, 'utf8'));
  assert.equal(report.version, 'v2');
  assert.equal(report.items.length, 8);
  assert.ok(report.summary.score >= 0.85, `score ${report.summary.score}`);
  for (const item of report.items) {
    assert.equal(item.version, 'v2');
    assert.ok(item.latency_ms > 0 && item.ttft_ms >= 0 && item.ttft_ms <= item.latency_ms, JSON.stringify(item));
    assert.ok(item.completion_tokens > 0, JSON.stringify(item));
    assert.equal(item.cost_usd, 0, 'a local answer costs nothing in the audit');
    assert.match(item.request_id, /.+/);
  }
  const page = fs.readFileSync(html, 'utf8');
  assert.match(page, /<svg/);
  assert.doesNotMatch(page, /<script|https?:\/\/(?!www\.w3\.org)/, 'the report is self-contained');

  // The registry holds the run with the version, and the admin API shows it.
  const models = await admin('/admin/models/faq-local');
  const v2 = models.json.models['faq-local'].versions.find((v) => v.version === 'v2');
  const runs = (typeof v2.eval === 'string' ? JSON.parse(v2.eval) : v2.eval).runs;
  assert.equal(runs.length, 1);
  assert.equal(runs[0].items, 8);
  assert.equal(runs[0].author, 'e2e-tester');

  const allowed = cli(['models', 'canary', 'faq-local', 'v2', '--percent', '10', '--config', config]);
  assert.equal(allowed.code, 0, allowed.err);
});

test('a wrong model scores low: --min-score fails the run, and the gate refuses it', { timeout: T }, async () => {
  const ran = cli(['eval', '--model', 'faq-local@v3', '--data', path.join(work, 'wrong.jsonl'), '--url', `http://${sy.addr}`,
                   '--key', KEY, '--no-record', '--min-score', '0.5', '--json', '-', '--quiet']);
  assert.equal(ran.code, 1, ran.out + ran.err);
  assert.match(ran.err, /is below --min-score 0\.500/);
  const report = JSON.parse(ran.out);
  assert.ok(report.summary.score < 0.5, `score ${report.summary.score}`);
  assert.ok(report.items.every((i) => i.checks[0].type === 'contains' && i.checks[0].note.startsWith('does not contain')));

  // Through the admin API: no evaluation of v3, so 409 gate_failed in OpenAI's error shape.
  const refused = await admin('/admin/models/faq-local/promote', { version: 'v3' });
  assert.equal(refused.status, 409, JSON.stringify(refused.json));
  assert.equal(refused.json.error.code, 'gate_failed');
  assert.match(refused.json.error.message, /v3 has no evaluation/);
});

test('--force goes ahead, and the audit chain records who forced it past what', { timeout: T }, async () => {
  const forced = await admin('/admin/models/faq-local/promote', { version: 'v3', force: true, author: 'carol' });
  assert.equal(forced.status, 200, JSON.stringify(forced.json));
  const back = cli(['models', 'rollback', 'faq-local', '--config', config]);
  assert.equal(back.code, 0, back.err);
  const cliForced = cli(['models', 'canary', 'faq-local', 'v3', '--percent', '5', '--force', '--config', config]);
  assert.equal(cliForced.code, 0, cliForced.err);
  assert.match(cliForced.err, /gate forced past: v3 has no evaluation/);

  const exported = cli(['audit', 'export', '--config', config]);
  assert.equal(exported.code, 0, exported.err);
  const records = exported.out.trim().split('\n').map((l) => JSON.parse(l));
  const forcedRecords = records.filter((r) => (r.reasons || []).some((x) => x.startsWith('gate forced past: v3 has no evaluation')));
  assert.equal(forcedRecords.length, 2, JSON.stringify(records.slice(-4)));
  assert.ok(forcedRecords.some((r) => r.path === 'models canary' && r.key === 'cli:e2e-tester'), JSON.stringify(forcedRecords));
  const verified = cli(['audit', 'verify', '--config', config]);
  assert.equal(verified.code, 0, verified.out + verified.err);
});

test('a judge behind a cloud target never sees a sensitive line; embedding checks need a model', { timeout: T }, async () => {
  const data = path.join(work, 'judge.jsonl');
  fs.writeFileSync(data, [
    { id: 'sensitive', prompt: 'Remind Joanna Whitaker that her insulin prescription renews on Friday.', checks: [{ type: 'judge', criteria: 'is polite' }] },
    { id: 'embedding', prompt: 'How do I connect to the VPN?', expected: 'Use the VPN client.', checks: ['embedding'] },
  ].map((o) => JSON.stringify(o)).join('\n') + '\n');
  const ran = cli(['eval', '--model', 'faq-local', '--judge', 'cloud-judge', '--data', data, '--url', `http://${sy.addr}`,
                   '--key', KEY, '--no-record', '--json', '-', '--quiet']);
  assert.equal(ran.code, 0, ran.err);
  const report = JSON.parse(ran.out);
  const judged = report.items.find((i) => i.id === 'sensitive');
  assert.equal(judged.checks[0].score, 0);
  assert.match(judged.checks[0].note, /judge refused or failed: .*(sensitive|privacy|local)/i);
  const embedded = report.items.find((i) => i.id === 'embedding');
  assert.match(embedded.checks[0].note, /no --embedding-model/);
});

test('in-process (--config alone) measures the same server the config describes', { timeout: T }, async () => {
  // Its own store: the in-process server and this one must not both write the test's SQLite file.
  const own = path.join(work, 'inproc.yaml');
  fs.writeFileSync(own, fs.readFileSync(config, 'utf8').replace(/^store: .*$/m, `store: sqlite:${path.join(work, 'inproc.db')}`));
  const ran = cli(['eval', '--model', 'faq-local', '--data', path.join(work, 'gate.jsonl'), '--key', KEY, '--config', own,
                   '--json', '-', '--quiet', '--no-record']);
  assert.equal(ran.code, 0, ran.err);
  const report = JSON.parse(ran.out);
  assert.equal(report.version, 'v1');
  assert.ok(report.summary.score >= 0.85, `score ${report.summary.score}`);
});
