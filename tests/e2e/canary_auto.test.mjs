// Automatic canary analysis against the real binary: a canary whose upstream fails (injected 500s
// from a fake OpenAI server speaking the documented wire format) is rolled back by
// `models canary --auto` while the official openai SDK sends traffic; a healthy one is promoted.
// Each decision is in the audit chain with its reasons, and the chain verifies.
//   SWITCHYARD_BINARY=... node --test tests/e2e/canary_auto.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import OpenAI from 'openai';

import { BINARY, readJson, sendChatAnswer, startSwitchyard, withTimeout } from './lib/switchyard.mjs';

const T = 180_000;
const KEY = 'k-canary';
let fake;
let sy;
let work;
let config;

function cli(args) {
  const r = spawnSync(BINARY, args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SWITCHYARD_AUTHOR: 'watcher' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  // The upstream: model "gpt-broken" fails every call with OpenAI's error JSON; others answer.
  fake = http.createServer(async (req, res) => {
    const body = await readJson(req);
    if (body.model === 'gpt-broken') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } }));
      return;
    }
    sendChatAnswer(res, body, { text: `answered by ${body.model}` },
                   { base: { id: 'chatcmpl-1', created: 1_700_000_000, model: body.model }, usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } });
  });
  await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-canary-'));
  sy = await startSwitchyard([
    'log: {access: off}',
    `store: sqlite:${path.join(work, 'store.db')}`,
    'keys:',
    `  - {name: app, key: ${KEY}}`,
    'models:',
    `  - {name: assistant, provider: openai, api_key: sk-fake, base_url: "http://127.0.0.1:${fake.address().port}/v1", model: gpt-good}`,
  ]);
  config = path.join(sy.dir, 'switchyard.yaml');
  for (const [v, upstream] of [['v2', 'gpt-broken'], ['v3', 'gpt-better']]) {
    const added = cli(['models', 'add', 'assistant', v, '--upstream-model', upstream, '--config', config]);
    assert.equal(added.code, 0, added.err);
  }
});

after(async () => {
  if (sy) await sy.stop();
  if (fake) fake.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

// Runs `models canary assistant VERSION --auto` and sends traffic (forty callers, sticky to a
// side) until it decides. Returns its exit code, its output, and how each side answered.
async function watchWithTraffic(version) {
  const watch = spawn(BINARY, ['models', 'canary', 'assistant', version, '--percent', '50', '--auto', '--min-requests', '12',
                               '--min-duration', '2s', '--max-duration', '90s', '--interval', '1s', '--config', config],
                      { env: { ...process.env, SWITCHYARD_AUTHOR: 'watcher' } });
  let out = '';
  watch.stdout.on('data', (d) => (out += d));
  watch.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => watch.once('exit', (code) => resolve(code)));
  let done = false;
  exited.then(() => (done = true));
  const client = new OpenAI({ baseURL: `http://${sy.addr}/v1`, apiKey: KEY, maxRetries: 0, timeout: 10_000 });
  const answers = { ok: 0, failed: 0 };
  for (let i = 0; !done && i < 2_000; i++) {
    try {
      const r = await client.chat.completions.create({ model: 'assistant', user: `caller-${i % 40}`, messages: [{ role: 'user', content: `question ${i}` }] });
      assert.match(r.choices[0].message.content, /^answered by gpt-/);
      answers.ok++;
    } catch (e) {
      assert.ok(e instanceof OpenAI.APIError && e.status >= 500, String(e));
      answers.failed++;
    }
  }
  const code = await withTimeout(exited, 30_000, 'the canary watch').catch((e) => {
    watch.kill('SIGKILL');
    throw new Error(`${e.message}; it said:\n${out.slice(-2000)}\nanswers: ${JSON.stringify(answers)}`);
  });
  return { code, out, answers };
}

function auditRecords() {
  const exported = cli(['audit', 'export', '--config', config]);
  assert.equal(exported.code, 0, exported.err);
  return exported.out.trim().split('\n').map((l) => JSON.parse(l));
}

test('a canary that fails is rolled back by itself, with its reasons in the audit chain', { timeout: T }, async () => {
  const { code, out, answers } = await watchWithTraffic('v2');
  assert.equal(code, 4, out);
  assert.match(out, /rolled back v2/);
  assert.ok(answers.failed > 0 && answers.ok > 0, JSON.stringify(answers));
  const status = cli(['models', 'canary', 'status', 'assistant', '--config', config]);
  assert.equal(status.code, 1, 'no canary is left running');
  const decision = auditRecords().find((r) => r.path === 'models canary --auto: rollback');
  assert.ok(decision, 'the rollback is audited');
  assert.equal(decision.key, 'cli:watcher');
  assert.ok(decision.reasons.some((r) => /failed|error rate/.test(r)), JSON.stringify(decision.reasons));
  // Traffic is whole again on production, once the server has followed the store (within a
  // second: until then a caller of the old canary may still meet v2's open circuit).
  const client = new OpenAI({ baseURL: `http://${sy.addr}/v1`, apiKey: KEY, maxRetries: 0 });
  const versionFor = async (caller) => {
    try {
      const r = await client.chat.completions.create({ model: 'assistant', user: caller, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      return r.response.headers.get('x-switchyard-version');
    } catch (e) {
      return `error ${e.status}`;
    }
  };
  const deadline = Date.now() + 3_000;
  let versions = [];
  do {
    versions = [];
    for (let i = 0; i < 5; i++) versions.push(await versionFor(`caller-${i}`));
    if (versions.every((v) => v === 'v1')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  assert.deepEqual(versions, ['v1', 'v1', 'v1', 'v1', 'v1']);
});

test('a healthy canary is promoted by itself, and the chain verifies', { timeout: T }, async () => {
  const { code, out } = await watchWithTraffic('v3');
  assert.equal(code, 0, out);
  assert.match(out, /promoted v3/);
  const decision = auditRecords().find((r) => r.path === 'models canary --auto: promote');
  assert.ok(decision && decision.version === 'v3', 'the promotion is audited');
  const list = JSON.parse(cli(['models', 'list', '--json', '--config', config]).out);
  assert.equal(list.models.assistant.aliases.production.version, 'v3');
  const verified = cli(['audit', 'verify', '--config', config]);
  assert.equal(verified.code, 0, verified.out + verified.err);
});
