// End-to-end: Anthropic both ways, with the official SDKs against a real switchyard process.
//   (a) `@anthropic-ai/sdk` -> switchyard /v1/messages -> an OpenAI-compatible fake (in this process)
//   (b) `@anthropic-ai/sdk` -> switchyard /v1/messages -> the local engine with the demo model
//       (only when SWITCHYARD_DEMO_MODEL names a file; skipped otherwise, with the reason)
//   (c) `openai` SDK -> switchyard /v1/chat/completions -> a fake Anthropic server (in this process)
// Plain and streamed each time; tool calls round-trip in (a) and (c). The fakes speak only their
// provider's documented wire format and record what they receive.
//
//   SWITCHYARD_BINARY=build/release/switchyard [SWITCHYARD_DEMO_MODEL=var/models/faq-tiny.gguf] \
//     node --test tests/e2e/anthropic_sdk.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

import { startSwitchyard, withTimeout, readJson, sendChatAnswer } from './lib/switchyard.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLIENT_KEY = 'sk-e2e-client';
const OPENAI_UPSTREAM_KEY = 'sk-openai-upstream';
const ANTHROPIC_UPSTREAM_KEY = 'sk-ant-upstream';
const DEMO_MODEL = process.env.SWITCHYARD_DEMO_MODEL || '';
const HAVE_DEMO_MODEL = DEMO_MODEL !== '' && fs.existsSync(DEMO_MODEL);
const T = 20_000;

const WEATHER_TOOL_ANTHROPIC = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const WEATHER_TOOL_OPENAI = {
  type: 'function',
  function: { name: 'get_weather', description: 'Current weather for a city', parameters: WEATHER_TOOL_ANTHROPIC.input_schema },
};

// ---------------------------------------------------------------------------------------------
// Fake OpenAI-compatible upstream: calls get_weather when tools are offered and no tool result is
// in the conversation yet; otherwise answers, quoting the tool result when there is one.
// ---------------------------------------------------------------------------------------------
const openaiSeen = [];

function sendJson(res, status, obj, headers = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function openaiUpstream() {
  return http.createServer(async (req, res) => {
    const body = await readJson(req);
    openaiSeen.push({ url: req.url, headers: req.headers, body });
    const last = body.messages[body.messages.length - 1];
    const callTool = body.tools?.length > 0 && !body.messages.some((m) => m.role === 'tool');
    const text = last.role === 'tool' ? `The weather service says: ${last.content}.` : 'Hello from the OpenAI fake.';
    const base = { id: 'chatcmpl-e2e', created: 1_700_000_000, model: 'gpt-fake-2024' };
    const usage = { prompt_tokens: 13, completion_tokens: 7, total_tokens: 20 };
    const answer = callTool ? { call: { id: 'call_e2e_1', name: 'get_weather', arguments: '{"city":"Paris"}' } } : { text };
    sendChatAnswer(res, body, answer, { base, usage, argumentPieces: ['{"city"', ':"Paris"}'] });
  });
}

// ---------------------------------------------------------------------------------------------
// Fake Anthropic upstream: the Messages API's JSON, SSE events and error bodies.
// ---------------------------------------------------------------------------------------------
const anthropicSeen = [];

function anthropicUpstream() {
  return http.createServer(async (req, res) => {
    const body = await readJson(req);
    anthropicSeen.push({ url: req.url, headers: req.headers, body });
    if (req.url !== '/v1/messages' || req.headers['x-api-key'] !== ANTHROPIC_UPSTREAM_KEY || !req.headers['anthropic-version']) {
      sendJson(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
      return;
    }
    if (typeof body.max_tokens !== 'number') {
      sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
      return;
    }
    const last = body.messages[body.messages.length - 1];
    const result = Array.isArray(last.content) ? last.content.find((b) => b.type === 'tool_result') : undefined;
    const callTool = body.tools?.length > 0 && !result;
    const text = result ? `Claude fake: the weather service says ${result.content}.` : 'Hello from the Claude fake.';
    const content = callTool
      ? [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_e2e_1', name: 'get_weather', input: { city: 'Paris' } }]
      : [{ type: 'text', text }];
    const message = {
      id: 'msg_e2e_1', type: 'message', role: 'assistant', model: 'claude-fake-20250101', content,
      stop_reason: callTool ? 'tool_use' : 'end_turn', stop_sequence: null,
      usage: { input_tokens: 17, cache_creation_input_tokens: 0, cache_read_input_tokens: 3, output_tokens: 9 },
    };
    if (!body.stream) {
      sendJson(res, 200, message);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const ev = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    ev('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } } });
    ev('ping', {});
    content.forEach((block, index) => {
      if (block.type === 'text') {
        ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
        for (const piece of block.text.match(/.{1,7}/g)) ev('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
      } else {
        ev('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        for (const piece of ['{"city": ', '"Paris"}']) ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
      ev('content_block_stop', { index });
    });
    ev('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: 9 } });
    ev('message_stop', {});
    res.end();
  });
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

let sy;
let openaiFake;
let anthropicFake;
let anthropic; // @anthropic-ai/sdk client of switchyard
let openai; // openai client of switchyard

before(async () => {
  openaiFake = openaiUpstream();
  anthropicFake = anthropicUpstream();
  const openaiPort = await listen(openaiFake);
  const anthropicPort = await listen(anthropicFake);
  const lines = [
    'threads: 2',
    'log: {access: off}',
    'keys:',
    `  - {name: e2e, key: ${CLIENT_KEY}, models: ["*"]}`,
    'models:',
    `  - {name: cloud-fast, provider: openai_compat, base_url: "http://127.0.0.1:${openaiPort}/v1", api_key: ${OPENAI_UPSTREAM_KEY}, model: gpt-fake}`,
    `  - {name: claude, provider: anthropic, base_url: "http://127.0.0.1:${anthropicPort}", api_key: ${ANTHROPIC_UPSTREAM_KEY}, model: claude-fake}`,
  ];
  if (HAVE_DEMO_MODEL) lines.push(`  - {name: faq-local, provider: local, path: "${DEMO_MODEL}", slots: 2}`);
  sy = await startSwitchyard(lines);
  anthropic = new Anthropic({ baseURL: `http://${sy.addr}`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 60_000 });
  openai = new OpenAI({ baseURL: `http://${sy.addr}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 60_000 });
});

after(async () => {
  if (sy) {
    const { code, signal } = await sy.stop();
    assert.equal(signal, null, `switchyard ended by ${signal}:\n${sy.log()}`);
    assert.equal(code, 0, `switchyard exit code ${code}:\n${sy.log()}`);
  }
  for (const server of [openaiFake, anthropicFake]) {
    if (!server) continue;
    server.closeAllConnections?.();
    await withTimeout(new Promise((r) => server.close(r)), 5_000, 'fake upstream close').catch(() => {});
  }
});

const lastOpenAI = () => openaiSeen[openaiSeen.length - 1];
const lastAnthropic = () => anthropicSeen[anthropicSeen.length - 1];

// ---------------------------------------------------------------------------------------------
// (a) Anthropic SDK -> /v1/messages -> OpenAI-compatible target
// ---------------------------------------------------------------------------------------------

test('(a) messages.create: an Anthropic message from an OpenAI target, with switchyard headers', { timeout: T }, async () => {
  const { data, response } = await anthropic.messages
    .create({ model: 'cloud-fast', max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello' }] })
    .withResponse();
  assert.equal(data.type, 'message');
  assert.equal(data.role, 'assistant');
  assert.match(data.id, /^msg_/);
  assert.deepEqual(data.content, [{ type: 'text', text: 'Hello from the OpenAI fake.' }]);
  assert.equal(data.stop_reason, 'end_turn');
  assert.equal(data.usage.input_tokens, 13);
  assert.equal(data.usage.output_tokens, 7);
  assert.equal(response.headers.get('x-switchyard-route'), 'cloud-fast');
  assert.equal(response.headers.get('x-switchyard-privacy'), 'any');
  assert.ok(response.headers.get('x-request-id'));
  const seen = lastOpenAI();
  assert.equal(seen.url, '/v1/chat/completions');
  assert.equal(seen.headers.authorization, `Bearer ${OPENAI_UPSTREAM_KEY}`);
  assert.equal(seen.body.model, 'gpt-fake');
  assert.equal(seen.body.max_tokens, 64);
  assert.deepEqual(seen.body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }]);
});

test('(a) messages.stream: Anthropic events, text as it arrives, the final message', { timeout: T }, async () => {
  const raw = await anthropic.messages.create({ model: 'cloud-fast', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Say hello' }] });
  const types = [];
  for await (const event of raw) types.push(event.type);
  assert.equal(types[0], 'message_start');
  assert.equal(types[1], 'content_block_start');
  assert.ok(types.filter((t) => t === 'content_block_delta').length >= 2, types.join(','));
  assert.deepEqual(types.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);

  const stream = anthropic.messages.stream({ model: 'cloud-fast', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }] });
  const pieces = [];
  stream.on('text', (t) => pieces.push(t));
  const final = await stream.finalMessage();
  assert.ok(pieces.length >= 2);
  assert.equal(pieces.join(''), 'Hello from the OpenAI fake.');
  assert.equal(final.content[0].text, 'Hello from the OpenAI fake.');
  assert.equal(final.stop_reason, 'end_turn');
  assert.equal(final.usage.output_tokens, 7);
  assert.equal(final.usage.input_tokens, 13);
});

test('(a) tool use round-trips through an OpenAI target, plain and streamed', { timeout: T }, async () => {
  const ask = { model: 'cloud-fast', max_tokens: 256, tools: [WEATHER_TOOL_ANTHROPIC], messages: [{ role: 'user', content: 'Weather in Paris?' }] };
  const first = await anthropic.messages.create(ask);
  assert.equal(first.stop_reason, 'tool_use');
  const use = first.content.find((b) => b.type === 'tool_use');
  assert.ok(use, JSON.stringify(first.content));
  assert.equal(use.name, 'get_weather');
  assert.deepEqual(use.input, { city: 'Paris' });
  assert.deepEqual(lastOpenAI().body.tools, [WEATHER_TOOL_OPENAI]);

  const streamed = await anthropic.messages.stream(ask).finalMessage();
  const streamedUse = streamed.content.find((b) => b.type === 'tool_use');
  assert.equal(streamed.stop_reason, 'tool_use');
  assert.equal(streamedUse.id, use.id);
  assert.deepEqual(streamedUse.input, { city: 'Paris' });

  const second = await anthropic.messages.create({
    ...ask,
    messages: [
      ...ask.messages,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18 degrees and sunny' }] },
    ],
  });
  assert.equal(second.stop_reason, 'end_turn');
  assert.equal(second.content[0].text, 'The weather service says: 18 degrees and sunny.');
  const sent = lastOpenAI().body.messages;
  assert.deepEqual(sent[1].tool_calls, [{ id: use.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
  assert.deepEqual(sent[2], { role: 'tool', content: '18 degrees and sunny', tool_call_id: use.id });
});

test('(a) errors reach the SDK as its typed errors; count_tokens answers', { timeout: T }, async () => {
  await assert.rejects(
    anthropic.messages.create({ model: 'no-such-model', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
    (e) => e instanceof Anthropic.NotFoundError && e.status === 404 && e.error?.error?.type === 'not_found_error',
  );
  const wrongKey = new Anthropic({ baseURL: `http://${sy.addr}`, apiKey: 'sk-wrong', maxRetries: 0 });
  await assert.rejects(
    wrongKey.messages.create({ model: 'cloud-fast', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
    (e) => e instanceof Anthropic.AuthenticationError && e.status === 401,
  );
  const counted = await anthropic.messages.countTokens({ model: 'cloud-fast', messages: [{ role: 'user', content: 'abcdefgh' }] });
  assert.equal(counted.input_tokens, 2);
});

// ---------------------------------------------------------------------------------------------
// (b) Anthropic SDK -> /v1/messages -> the local engine (the demo FAQ model)
// ---------------------------------------------------------------------------------------------

const SKIP_LOCAL = HAVE_DEMO_MODEL ? false : 'SWITCHYARD_DEMO_MODEL is not set to an existing file (build it with scripts/demo-model)';

test('(b) the demo model answers FAQ questions through the Anthropic SDK, plain and streamed', { timeout: 300_000, skip: SKIP_LOCAL }, async () => {
  const faq = fs.readFileSync(path.join(ROOT, 'data/faq/faq.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).slice(0, 4);
  let exact = 0;
  for (const f of faq) {
    const ask = { model: 'faq-local', max_tokens: 160, temperature: 0, messages: [{ role: 'user', content: f.question }] };
    const { data, response } = await anthropic.messages.create(ask).withResponse();
    assert.equal(response.headers.get('x-switchyard-route'), 'faq-local');
    assert.equal(data.model, 'faq-local');
    assert.ok(data.usage.input_tokens + data.usage.cache_read_input_tokens > 0);
    const text = data.content.map((b) => b.text).join('');
    if (text.trim() === f.answer) exact++;
    const stream = anthropic.messages.stream(ask);
    const streamed = await stream.finalMessage();
    assert.equal(streamed.content.map((b) => b.text).join(''), text, 'streamed and whole answers differ');
    assert.equal(streamed.stop_reason, data.stop_reason);
  }
  assert.ok(exact >= 3, `only ${exact}/${faq.length} FAQ answers reproduced`);
  const counted = await anthropic.messages.countTokens({ model: 'faq-local', messages: [{ role: 'user', content: faq[0].question }] });
  assert.ok(counted.input_tokens > 0);
});

// ---------------------------------------------------------------------------------------------
// (c) openai SDK -> /v1/chat/completions -> Anthropic target
// ---------------------------------------------------------------------------------------------

test('(c) chat.completions.create against an Anthropic target', { timeout: T }, async () => {
  const { data, response } = await openai.chat.completions
    .create({ model: 'claude', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }], stop: ['END'] })
    .withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.model, 'claude-fake-20250101');
  assert.equal(data.choices[0].message.content, 'Hello from the Claude fake.');
  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.equal(data.usage.prompt_tokens, 20);
  assert.equal(data.usage.completion_tokens, 9);
  assert.equal(data.usage.prompt_tokens_details.cached_tokens, 3);
  assert.equal(response.headers.get('x-switchyard-route'), 'claude');
  const seen = lastAnthropic();
  assert.equal(seen.headers['x-api-key'], ANTHROPIC_UPSTREAM_KEY);
  assert.equal(seen.headers['anthropic-version'], '2023-06-01');
  assert.equal(seen.body.model, 'claude-fake');
  assert.equal(seen.body.system, 'Be brief.');
  assert.deepEqual(seen.body.stop_sequences, ['END']);
  assert.deepEqual(seen.body.messages, [{ role: 'user', content: 'Say hello' }]);
});

test('(c) streamed chat from an Anthropic target: deltas, finish, usage', { timeout: T }, async () => {
  const stream = await openai.chat.completions.create({
    model: 'claude', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Say hello' }],
  });
  let text = '';
  let finish = null;
  let usage = null;
  let deltas = 0;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      if (c.delta.content) {
        text += c.delta.content;
        deltas++;
      }
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  assert.equal(text, 'Hello from the Claude fake.');
  assert.ok(deltas >= 2);
  assert.equal(finish, 'stop');
  assert.equal(usage.completion_tokens, 9);
  assert.equal(lastAnthropic().body.stream, true);
});

test('(c) tool calls round-trip through an Anthropic target, plain and streamed', { timeout: T }, async () => {
  const ask = { model: 'claude', tools: [WEATHER_TOOL_OPENAI], messages: [{ role: 'user', content: 'Weather in Paris?' }] };
  const first = await openai.chat.completions.create(ask);
  const message = first.choices[0].message;
  assert.equal(first.choices[0].finish_reason, 'tool_calls');
  assert.equal(message.content, 'Let me check.');
  assert.equal(message.tool_calls.length, 1);
  const call = message.tool_calls[0];
  assert.equal(call.id, 'toolu_e2e_1');
  assert.equal(call.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
  assert.deepEqual(lastAnthropic().body.tools, [WEATHER_TOOL_ANTHROPIC]);

  const stream = await openai.chat.completions.create({ ...ask, stream: true });
  const calls = [];
  let finish = null;
  for await (const chunk of stream) {
    for (const c of chunk.choices) {
      for (const d of c.delta.tool_calls ?? []) {
        calls[d.index] ??= { id: '', name: '', arguments: '' };
        if (d.id) calls[d.index].id = d.id;
        if (d.function?.name) calls[d.index].name = d.function.name;
        if (d.function?.arguments) calls[d.index].arguments += d.function.arguments;
      }
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  assert.equal(finish, 'tool_calls');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].id, 'toolu_e2e_1');
  assert.deepEqual(JSON.parse(calls[0].arguments), { city: 'Paris' });

  const second = await openai.chat.completions.create({
    ...ask,
    messages: [...ask.messages, message, { role: 'tool', tool_call_id: call.id, content: '18 degrees and sunny' }],
  });
  assert.equal(second.choices[0].message.content, 'Claude fake: the weather service says 18 degrees and sunny.');
  const sent = lastAnthropic().body.messages;
  assert.deepEqual(sent[1], {
    role: 'assistant',
    content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_e2e_1', name: 'get_weather', input: { city: 'Paris' } }],
  });
  assert.deepEqual(sent[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_e2e_1', content: '18 degrees and sunny' }] });
});
