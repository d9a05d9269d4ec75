// End-to-end: the official `ollama` npm client against a real switchyard process's Ollama API
// (/api/chat, /api/generate, /api/tags, /api/show, /api/embed, /api/version).
//   - cloud-fast: an OpenAI-compatible fake in this process (records what it receives)
//   - faq-local: the demo model (only when SWITCHYARD_DEMO_MODEL names a file), also behind the
//     route `auto` (local: faq-local, cloud: cloud-fast)
// Plain and streamed (NDJSON) each time; tool calls round-trip; errors reach the client as its
// ResponseError; a request with a Taiwan ID and an e-mail address never reaches the cloud.
//
//   SWITCHYARD_BINARY=build/release/switchyard [SWITCHYARD_DEMO_MODEL=var/models/faq-tiny.gguf] \
//     node --test tests/e2e/ollama_client.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { Ollama } from 'ollama';

import { startSwitchyard, withTimeout, readJson, sendChatAnswer } from './lib/switchyard.mjs';

const CLIENT_KEY = 'sk-e2e-ollama';
const UPSTREAM_KEY = 'sk-openai-upstream';
// Absolute: the server reads relative paths against its config file's folder (a temporary one).
const DEMO_MODEL = process.env.SWITCHYARD_DEMO_MODEL ? path.resolve(process.env.SWITCHYARD_DEMO_MODEL) : '';
const HAVE_DEMO_MODEL = DEMO_MODEL !== '' && fs.existsSync(DEMO_MODEL);
const SKIP_LOCAL = HAVE_DEMO_MODEL ? false : 'SWITCHYARD_DEMO_MODEL is not set to an existing file (build it with scripts/demo-model)';
const T = 20_000;
const FAKE_TEXT = 'Hello from the OpenAI fake.';

const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

// ---------------------------------------------------------------------------------------------
// Fake OpenAI-compatible upstream: calls get_weather when tools are offered and no tool result is
// in the conversation yet; otherwise answers, quoting the tool result when there is one.
// ---------------------------------------------------------------------------------------------
const seen = [];

function fakeUpstream() {
  return http.createServer(async (req, res) => {
    const body = await readJson(req);
    seen.push({ url: req.url, headers: req.headers, body });
    const last = body.messages[body.messages.length - 1];
    const callTool = body.tools?.length > 0 && !body.messages.some((m) => m.role === 'tool');
    const text = last.role === 'tool' ? `The weather service says: ${last.content}.` : FAKE_TEXT;
    const base = { id: 'chatcmpl-e2e', created: 1_700_000_000, model: 'gpt-fake-2024' };
    const usage = { prompt_tokens: 13, completion_tokens: 7, total_tokens: 20 };
    const answer = callTool ? { call: { id: 'call_e2e_1', name: 'get_weather', arguments: '{"city":"Paris"}' } } : { text };
    sendChatAnswer(res, body, answer, { base, usage, argumentPieces: ['{"city"', ':"Paris"}'] });
  });
}

let sy;
let fake;
let ollama;
let lastHeaders = null; // the response headers of the client's last call

before(async () => {
  fake = fakeUpstream();
  const port = await new Promise((resolve) => fake.listen(0, '127.0.0.1', () => resolve(fake.address().port)));
  const lines = [
    'threads: 2',
    'log: {access: off}',
    'keys:',
    `  - {name: e2e, key: ${CLIENT_KEY}, models: ["*"]}`,
    'models:',
    `  - {name: cloud-fast, provider: openai_compat, base_url: "http://127.0.0.1:${port}/v1", api_key: ${UPSTREAM_KEY}, model: gpt-fake, retries: 0}`,
  ];
  if (HAVE_DEMO_MODEL) lines.push(`  - {name: faq-local, provider: local, path: "${DEMO_MODEL}", slots: 2}`);
  lines.push('routes:', `  - {name: auto, local: [${HAVE_DEMO_MODEL ? 'faq-local' : ''}], cloud: [cloud-fast]}`);
  sy = await startSwitchyard(lines);
  // The client's own fetch, wrapped only to read the response headers switchyard adds.
  const recordingFetch = async (url, options) => {
    const res = await fetch(url, { ...options, signal: options.signal ?? AbortSignal.timeout(60_000) });
    lastHeaders = res.headers;
    return res;
  };
  ollama = new Ollama({ host: `http://${sy.addr}`, headers: { Authorization: `Bearer ${CLIENT_KEY}` }, fetch: recordingFetch });
});

after(async () => {
  if (sy) {
    const { code, signal } = await sy.stop();
    assert.equal(signal, null, `switchyard ended by ${signal}:\n${sy.log()}`);
    assert.equal(code, 0, `switchyard exit code ${code}:\n${sy.log()}`);
  }
  if (fake) {
    fake.closeAllConnections?.();
    await withTimeout(new Promise((r) => fake.close(r)), 5_000, 'fake upstream close').catch(() => {});
  }
});

const lastSeen = () => seen[seen.length - 1];

test('chat: a whole answer from an OpenAI target, with the counts and the route', { timeout: T }, async () => {
  const answer = await ollama.chat({
    model: 'cloud-fast', stream: false,
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }],
    options: { temperature: 0, num_predict: 64, stop: ['END', 'STOP'] },
  });
  assert.equal(answer.model, 'cloud-fast');
  assert.deepEqual(answer.message, { role: 'assistant', content: FAKE_TEXT });
  assert.equal(answer.done, true);
  assert.equal(answer.done_reason, 'stop');
  assert.equal(answer.prompt_eval_count, 13);
  assert.equal(answer.eval_count, 7);
  assert.ok(answer.total_duration > 0);
  assert.ok(!Number.isNaN(Date.parse(answer.created_at)));
  assert.equal(lastHeaders.get('x-switchyard-route'), 'cloud-fast');
  const sent = lastSeen();
  assert.equal(sent.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
  assert.equal(sent.body.model, 'gpt-fake');
  assert.equal(sent.body.max_tokens, 64);
  assert.deepEqual(sent.body.stop, ['END', 'STOP']);
  assert.deepEqual(sent.body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }]);
});

test('chat: streamed NDJSON, text as it arrives, then the closing counts', { timeout: T }, async () => {
  const stream = await ollama.chat({ model: 'cloud-fast', stream: true, messages: [{ role: 'user', content: 'Say hello' }] });
  assert.equal(lastHeaders.get('content-type'), 'application/x-ndjson');
  const parts = [];
  for await (const part of stream) parts.push(part);
  const text = parts.map((p) => p.message.content).join('');
  assert.equal(text, FAKE_TEXT);
  assert.ok(parts.length >= 3, `${parts.length} parts`);
  assert.ok(parts.slice(0, -1).every((p) => p.done === false));
  const last = parts[parts.length - 1];
  assert.equal(last.done, true);
  assert.equal(last.done_reason, 'stop');
  assert.equal(last.eval_count, 7);
  assert.equal(lastSeen().body.stream, true);
});

test('chat: tool calls round-trip, plain and streamed', { timeout: T }, async () => {
  const ask = { model: 'cloud-fast', tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Paris?' }] };
  const first = await ollama.chat({ ...ask, stream: false });
  assert.equal(first.message.tool_calls.length, 1);
  assert.equal(first.message.tool_calls[0].function.name, 'get_weather');
  assert.deepEqual(first.message.tool_calls[0].function.arguments, { city: 'Paris' });
  assert.deepEqual(lastSeen().body.tools, [WEATHER_TOOL]);

  const calls = [];
  for await (const part of await ollama.chat({ ...ask, stream: true })) calls.push(...(part.message.tool_calls ?? []));
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].function.arguments, { city: 'Paris' });

  const second = await ollama.chat({
    ...ask, stream: false,
    messages: [...ask.messages, first.message, { role: 'tool', tool_name: 'get_weather', content: '18 degrees and sunny' }],
  });
  assert.equal(second.message.content, 'The weather service says: 18 degrees and sunny.');
  const sent = lastSeen().body.messages;
  assert.equal(sent[1].tool_calls[0].function.arguments, '{"city":"Paris"}');
  assert.equal(sent[2].role, 'tool');
  assert.equal(sent[2].tool_call_id, sent[1].tool_calls[0].id);
});

test('generate: plain and streamed, the system prompt as a system message', { timeout: T }, async () => {
  const whole = await ollama.generate({ model: 'cloud-fast', prompt: 'Say hello', system: 'Be brief.', stream: false });
  assert.equal(whole.response, FAKE_TEXT);
  assert.equal(whole.done, true);
  assert.equal(whole.eval_count, 7);
  assert.deepEqual(lastSeen().body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }]);

  let text = '';
  let last = null;
  for await (const part of await ollama.generate({ model: 'cloud-fast', prompt: 'Say hello', stream: true })) {
    text += part.response;
    last = part;
  }
  assert.equal(text, FAKE_TEXT);
  assert.equal(last.done, true);
  assert.equal(last.done_reason, 'stop');
});

test('list, show and version', { timeout: T }, async () => {
  const { models } = await ollama.list();
  const names = models.map((m) => m.name).sort();
  assert.deepEqual(names, (HAVE_DEMO_MODEL ? ['auto', 'cloud-fast', 'faq-local'] : ['auto', 'cloud-fast']).sort());
  for (const m of models) {
    assert.equal(m.model, m.name);
    assert.ok(m.details && typeof m.details.family === 'string', JSON.stringify(m));
  }
  const shown = await ollama.show({ model: 'cloud-fast' });
  assert.equal(shown.details.family, 'openai_compat');
  assert.ok(shown.capabilities.includes('completion'));
  const { version } = await ollama.version();
  assert.match(version, /^\d+\.\d+\.\d+$/);
});

test('errors reach the client as ResponseError with the status', { timeout: T }, async () => {
  await assert.rejects(
    ollama.chat({ model: 'no-such-model', stream: false, messages: [{ role: 'user', content: 'hi' }] }),
    (e) => e.name === 'ResponseError' && e.status_code === 404 && /no-such-model/.test(e.error),
  );
  await assert.rejects(ollama.show({ model: 'no-such-model' }), (e) => e.name === 'ResponseError' && e.status_code === 404);
  await assert.rejects(
    ollama.generate({ model: 'cloud-fast', prompt: 'def f(', suffix: 'return 1', stream: false }),
    (e) => e.name === 'ResponseError' && e.status_code === 400 && /suffix/.test(e.error),
  );
  const stranger = new Ollama({ host: `http://${sy.addr}`, headers: { Authorization: 'Bearer sk-wrong' } });
  await assert.rejects(stranger.list(), (e) => e.name === 'ResponseError' && e.status_code === 401);
  // A streamed request fails before its head: the same error, not a broken stream.
  await assert.rejects(
    ollama.chat({ model: 'no-such-model', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    (e) => e.name === 'ResponseError' && e.status_code === 404,
  );
});

test('a request with a Taiwan ID and an e-mail address never reaches the cloud', { timeout: 120_000 }, async () => {
  const before = seen.length;
  const ask = { model: 'auto', stream: false, options: { num_predict: 16 }, messages: [{ role: 'user', content: 'My ID is A123456789 and my mail is jane.doe@example.com; what is my account status?' }] };
  if (HAVE_DEMO_MODEL) {
    const answer = await ollama.chat(ask);
    assert.equal(answer.done, true);
    assert.equal(lastHeaders.get('x-switchyard-route'), 'faq-local');
    assert.equal(lastHeaders.get('x-switchyard-privacy'), 'local_only');
  } else {
    // No in-house target: refused, in Ollama's shape.
    await assert.rejects(ollama.chat(ask), (e) => e.name === 'ResponseError' && e.status_code === 403);
  }
  assert.equal(seen.length, before, 'the cloud fake received the sensitive request');
});

test('the demo model answers through chat, generate and embed', { timeout: 300_000, skip: SKIP_LOCAL }, async () => {
  const answer = await ollama.chat({ model: 'faq-local', stream: false, options: { temperature: 0, num_predict: 48 }, messages: [{ role: 'user', content: 'How do I reset my password?' }] });
  assert.equal(lastHeaders.get('x-switchyard-route'), 'faq-local');
  assert.ok(answer.message.content.length > 0);
  assert.ok(answer.prompt_eval_count > 0);
  let streamed = '';
  for await (const part of await ollama.chat({ model: 'faq-local', stream: true, options: { temperature: 0, num_predict: 48 }, messages: [{ role: 'user', content: 'How do I reset my password?' }] })) {
    streamed += part.message.content;
  }
  assert.equal(streamed, answer.message.content, 'streamed and whole answers differ');
  const generated = await ollama.generate({ model: 'faq-local', prompt: 'How do I reset my password?', stream: false, options: { num_predict: 8 } });
  assert.equal(generated.done, true);

  const { embeddings, model, prompt_eval_count } = await ollama.embed({ model: 'faq-local', input: ['reset my password', 'billing'] });
  assert.equal(model, 'faq-local');
  assert.equal(embeddings.length, 2);
  assert.ok(embeddings[0].length > 0);
  assert.ok(prompt_eval_count > 0);
  const norm = Math.sqrt(embeddings[0].reduce((s, x) => s + x * x, 0));
  assert.ok(Math.abs(norm - 1) < 1e-3, `norm ${norm}`);
});

test('embed refuses a cloud target in Ollama\'s error shape', { timeout: T }, async () => {
  await assert.rejects(ollama.embed({ model: 'cloud-fast', input: 'x' }), (e) => e.name === 'ResponseError' && e.status_code === 400 && /local/.test(e.error));
});
