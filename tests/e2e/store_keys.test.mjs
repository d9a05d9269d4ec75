// Keys kept in the store, end to end with the official openai SDK: two `switchyard serve` replicas
// share one SQLite store; a key made with `switchyard keys create` answers through both, and after
// `switchyard keys revoke` both refuse it (the SDK's AuthenticationError) within a second; the
// delay is measured and printed. A viewer key lists models but may not call them.
//   SWITCHYARD_BINARY=... node --test tests/e2e/store_keys.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';

import { BINARY, readJson, sendChatAnswer, startSwitchyard } from './lib/switchyard.mjs';

const T = 60_000;
let upstream;
let replicas = [];
let storeDir;
let store;

before(async () => {
  upstream = http.createServer(async (req, res) => {
    const body = await readJson(req);
    const text = body.messages.at(-1).content;
    sendChatAnswer(res, body, { text: `echo: ${text}` }, {
      base: { id: 'chatcmpl-keys', created: 1, model: body.model },
      usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
    });
  });
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-keys-'));
  store = `sqlite:${path.join(storeDir, 'store.db')}`;
  const config = [
    'log: {access: off}',
    `store: "${store}"`,
    'audit: {durable: false}',
    'keys:',
    '  - {name: from-config, key: sk-config-e2e}',  // the servers ask for a key from the start
    'models:',
    `  - {name: chat, provider: openai_compat, model: gpt-x, base_url: "http://127.0.0.1:${upstream.address().port}/v1"}`,
  ];
  replicas = [await startSwitchyard(config), await startSwitchyard(config)];
});

after(async () => {
  for (const sy of replicas) {
    const { code, signal } = await sy.stop();
    assert.equal(signal, null, `switchyard ended by ${signal}:\n${sy.log()}`);
    assert.equal(code, 0, `switchyard exit code ${code}:\n${sy.log()}`);
  }
  upstream?.close();
  if (storeDir) fs.rmSync(storeDir, { recursive: true, force: true });
});

const keys = (...args) => JSON.parse(execFileSync(BINARY, ['keys', ...args, '--store', store, '--author', 'e2e', '--json'], { encoding: 'utf8' }));
const client = (sy, key) => new OpenAI({ baseURL: `http://${sy.addr}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
const ask = (sy, key) => client(sy, key).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hello' }] });

// Milliseconds from `since` until `check(sy)` holds on every replica, polled every 5 ms (bounded).
async function untilEvery(check, since, limitMs = 3000) {
  const took = [];
  for (const sy of replicas) {
    for (;;) {
      if (await check(sy)) break;
      if (performance.now() - since > limitMs) return null;
      await sleep(5);
    }
    took.push(performance.now() - since);
  }
  return Math.max(...took);
}

const works = async (sy, key) => {
  try {
    return (await ask(sy, key)).choices[0].message.content === 'echo: hello';
  } catch {
    return false;
  }
};
const refused = async (sy, key) => {
  try {
    await ask(sy, key);
    return false;
  } catch (e) {
    return e instanceof OpenAI.AuthenticationError;
  }
};

test('a key made with the CLI answers on both replicas, and after revoke both refuse it within a second', { timeout: T }, async () => {
  const made = keys('create', '--name', 'sdk-user', '--team', 'e2e');
  assert.match(made.key, /^sk-sy-[A-Za-z0-9_-]{43}$/);
  const createdAt = performance.now();
  const accepted = await untilEvery((sy) => works(sy, made.key), createdAt);
  assert.ok(accepted !== null, 'a replica never accepted the new key');

  const listed = keys('list');
  const row = listed.keys.find((k) => k.name === 'sdk-user');
  assert.equal(row.state, 'active');
  assert.equal(row.prefix, made.key.slice(0, 14));
  assert.ok(!JSON.stringify(listed).includes(made.key), 'list shows a secret');

  keys('revoke', 'sdk-user');
  const revokedAt = performance.now();
  const gone = await untilEvery((sy) => refused(sy, made.key), revokedAt);
  assert.ok(gone !== null, 'a replica still accepts the revoked key after 3 s');
  console.log(`[keys e2e] created -> accepted by both replicas in ${accepted.toFixed(0)} ms; revoked -> refused by both in ${gone.toFixed(0)} ms`);
  assert.ok(gone < 1000, `revoked key refused only after ${gone.toFixed(0)} ms`);
  for (const sy of replicas) {
    await assert.rejects(ask(sy, made.key), (e) => e instanceof OpenAI.AuthenticationError && /has been revoked/.test(e.message));
  }
  assert.ok(await works(replicas[1], 'sk-config-e2e'), 'the config key stopped working');
});

test('a viewer key lists models but may not call them; a rotated key takes its new secret only', { timeout: T }, async () => {
  const viewer = keys('create', '--name', 'sdk-viewer', '--role', 'viewer');
  const user = keys('create', '--name', 'sdk-rotated');
  await untilEvery((sy) => works(sy, user.key), performance.now());
  const models = await client(replicas[0], viewer.key).models.list();
  assert.ok(models.data.some((m) => m.id === 'chat'));
  await assert.rejects(ask(replicas[0], viewer.key), (e) => e instanceof OpenAI.PermissionDeniedError && /may not call models/.test(e.message));

  const rotated = keys('rotate', 'sdk-rotated');
  assert.notEqual(rotated.key, user.key);
  const at = performance.now();
  assert.ok((await untilEvery(async (sy) => (await refused(sy, user.key)) && (await works(sy, rotated.key)), at)) !== null);
});
