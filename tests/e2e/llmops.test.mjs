// The operations side through the official SDKs, against the real binary and the demo model:
// versions seen in the response headers, a canary moved through the admin API, and limits that
// both SDKs surface as their own RateLimitError (in each API's error shape).
//   SWITCHYARD_BINARY=... SWITCHYARD_DEMO_MODEL=var/models/faq-tiny.gguf node --test tests/e2e/llmops.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

import { adminCall, startSwitchyard } from './lib/switchyard.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = process.env.SWITCHYARD_DEMO_MODEL || path.join(ROOT, 'var/models/faq-tiny.gguf');
const T = 120_000;
const ADMIN = 'adm-e2e';

let sy;
let v2Path;

before(async () => {
  assert.ok(fs.existsSync(MODEL), `demo model missing at ${MODEL} (scripts/demo-model builds it)`);
  sy = await startSwitchyard([
    'log: {access: off}',
    `admin_key: ${ADMIN}`,
    'keys:',
    '  - {name: alice, key: k-alice, team: support, limits: {requests_per_minute: 2}}',
    '  - {name: bob, key: k-bob, team: support}',
    'models:',
    `  - {name: faq-local, provider: local, path: "${MODEL}", slots: 2}`,
  ]);
  // A second version of the model: the same weights under another path, as a retrained file would be.
  v2Path = path.join(sy.dir, 'faq-v2.gguf');
  fs.copyFileSync(MODEL, v2Path);
});

after(async () => {
  if (!sy) return;
  const { code, signal } = await sy.stop();
  assert.equal(signal, null, `switchyard ended by ${signal}:\n${sy.log()}`);
  assert.equal(code, 0, `switchyard exit code ${code}:\n${sy.log()}`);
});

const openai = (key) => new OpenAI({ baseURL: `http://${sy.addr}/v1`, apiKey: key, maxRetries: 0, timeout: 60_000 });
const anthropic = (key) => new Anthropic({ baseURL: `http://${sy.addr}`, apiKey: key, maxRetries: 0, timeout: 60_000 });

const admin = (pathname, body) => adminCall(`http://${sy.addr}`, ADMIN, pathname, body);

const ask = { model: 'faq-local', max_tokens: 16, messages: [{ role: 'user', content: 'How do I connect to the VPN?' }] };

test('the version that answered is in the headers; a canary moves callers and a promotion moves all', { timeout: T }, async () => {
  const client = openai('k-bob');
  const first = await client.chat.completions.create(ask).withResponse();
  assert.equal(first.response.headers.get('x-switchyard-version'), 'v1');

  const added = await admin('/admin/models/faq-local/versions', { version: 'v2', path: v2Path, notes: 'retrained' });
  assert.equal(added.status, 200, JSON.stringify(added.json));
  const canary = await admin('/admin/models/faq-local/canary', { version: 'v2', percent: 50 });
  assert.equal(canary.status, 200, JSON.stringify(canary.json));
  assert.equal(canary.json.live, true);

  // Callers named by OpenAI's `user` field split between the versions, each sticking to one.
  const seen = new Map();
  for (let i = 0; i < 24; i++) {
    const { response } = await client.chat.completions.create({ ...ask, user: `user-${i % 12}` }).withResponse();
    const version = response.headers.get('x-switchyard-version');
    if (seen.has(i % 12)) assert.equal(version, seen.get(i % 12), `user-${i % 12} changed versions`);
    seen.set(i % 12, version);
  }
  const versions = new Set(seen.values());
  assert.deepEqual([...versions].sort(), ['v1', 'v2'], 'a 50% canary over 12 callers reaches both versions');

  const promoted = await admin('/admin/models/faq-local/promote', {});
  assert.equal(promoted.status, 200, JSON.stringify(promoted.json));
  const after = await client.chat.completions.create({ ...ask, user: 'anyone' }).withResponse();
  assert.equal(after.response.headers.get('x-switchyard-version'), 'v2');

  const shown = await admin('/admin/models/faq-local');
  assert.equal(shown.json.models['faq-local'].aliases.production.version, 'v2');
  assert.equal(shown.json.models['faq-local'].aliases.canary, undefined, 'promoting the canary ends it');
});

test('a key over its rate limit gets each SDK\'s RateLimitError, with Retry-After', { timeout: T }, async () => {
  const oa = openai('k-alice');
  await oa.chat.completions.create(ask);
  await oa.chat.completions.create(ask);
  await assert.rejects(oa.chat.completions.create(ask), (e) => {
    assert.ok(e instanceof OpenAI.RateLimitError, `got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.status, 429);
    assert.equal(e.code, 'rate_limit_exceeded');
    assert.match(e.message, /Key 'alice' is over its limit of 2 requests per minute/);
    assert.ok(Number(e.headers.get('retry-after')) >= 1);
    return true;
  });
  await assert.rejects(
    anthropic('k-alice').messages.create({ model: 'faq-local', max_tokens: 16, messages: [{ role: 'user', content: 'VPN?' }] }),
    (e) => {
      assert.ok(e instanceof Anthropic.RateLimitError, `got ${e?.constructor?.name}: ${e?.message}`);
      assert.equal(e.status, 429);
      assert.equal(e.error?.error?.type, 'rate_limit_error');
      return true;
    },
  );
  // bob shares alice's team but not her key's limit.
  const ok = await openai('k-bob').chat.completions.create(ask);
  assert.ok(ok.choices[0].message.content.length > 0);
});
