// End-to-end: rating answers through POST /v1/feedback with the official `openai` and
// `@anthropic-ai/sdk` clients (their generic post), against a real switchyard in front of a fake
// OpenAI upstream: a key rates its own answer, and another key cannot rate it.
//
//   SWITCHYARD_BINARY=build/release/switchyard node --test tests/e2e/feedback.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

import { startSwitchyard, readJson, sendChatAnswer } from './lib/switchyard.mjs';

const T = 20_000;
let fake;
let sy;
let alice;
let bob;
let claude;

before(async () => {
  fake = http.createServer(async (req, res) => {
    const body = await readJson(req);
    sendChatAnswer(res, body, { text: 'Fifteen days.' }, { base: { id: 'chatcmpl-up', created: 1_700_000_000, model: 'gpt-fake' }, usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } });
  });
  await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
  sy = await startSwitchyard([
    'log: {access: off}',
    'keys:',
    '  - {name: alice, key: sk-alice}',
    '  - {name: bob, key: sk-bob}',
    'models:',
    `  - {name: fake, provider: openai_compat, base_url: "http://127.0.0.1:${fake.address().port}/v1", retries: 0}`,
  ]);
  const url = `http://${sy.addr}`;
  alice = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-alice', maxRetries: 0, timeout: T });
  bob = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-bob', maxRetries: 0, timeout: T });
  claude = new Anthropic({ baseURL: url, apiKey: 'sk-alice', maxRetries: 0, timeout: T });
});

after(async () => {
  await sy?.stop();
  await new Promise((resolve) => fake?.close(resolve));
});

test('openai: a key rates its own answer; another key gets a 404', { timeout: T }, async () => {
  const { response } = await alice.chat.completions.create({ model: 'fake', messages: [{ role: 'user', content: 'Leave days?' }] }).withResponse();
  const id = response.headers.get('x-switchyard-request-id');
  assert.match(id, /^req_/);
  const rated = await alice.post('/feedback', { body: { request_id: id, score: 1, comment: 'right' } });
  assert.equal(rated.object, 'feedback');
  assert.equal(rated.score, 1);
  assert.equal(rated.target, 'fake');
  await assert.rejects(bob.post('/feedback', { body: { request_id: id, score: -1 } }), (e) => e.status === 404);
});

test('anthropic: the same endpoint, a 1..5 rating, errors in Anthropic shape', { timeout: T }, async () => {
  const { response } = await claude.messages.create({ model: 'fake', max_tokens: 20, messages: [{ role: 'user', content: 'Leave days?' }] }).withResponse();
  const id = response.headers.get('x-switchyard-request-id');
  const rated = await claude.post('/v1/feedback', { body: { request_id: id, rating: 5 } });
  assert.equal(rated.score, 1);
  await assert.rejects(claude.post('/v1/feedback', { body: { request_id: id, rating: 9 } }), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.error?.type, 'error');
    assert.equal(e.error?.error?.type, 'invalid_request_error');
    return true;
  });
});
