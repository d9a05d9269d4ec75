// End-to-end: the response cache and the output guard, as the official `openai` and
// `@anthropic-ai/sdk` clients see them, plain and streamed, against a real switchyard in front of
// a fake OpenAI-compatible upstream (in this process, OpenAI's documented wire format).
//
//   SWITCHYARD_BINARY=build/release/switchyard node --test tests/e2e/cache_and_guard.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

import { startSwitchyard, readJson } from './lib/switchyard.mjs';

const T = 20_000;
const seen = [];
// What the fake answers: a question about contacts gets an e-mail address and a Taiwan ID, cut
// across stream chunks mid-value; anything else a plain sentence that names the call.
const LEAKY_PIECES = ['Ask jane.d', 'oe@example.com; her ID ', 'is G2970', '49707.'];
const REDACTED = 'Ask [EMAIL_1]; her ID is [TW_NATIONAL_ID_1].';

function upstream() {
  return http.createServer(async (req, res) => {
    const body = await readJson(req);
    seen.push(body);
    if (body.tools) return answerWithToolCall(body, res);
    const question = body.messages[body.messages.length - 1].content;
    const pieces = /contact/i.test(question) ? LEAKY_PIECES : [`Answer #${seen.length} `, 'to your question.'];
    const base = { id: `chatcmpl-${seen.length}`, created: 1_700_000_000, model: 'gpt-fake' };
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    if (!body.stream) {
      const message = { role: 'assistant', content: pieces.join('') };
      const answer = { ...base, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }], usage };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta, finish = null, extra = {}) =>
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }));
    for (const p of pieces) res.write(chunk({ content: p }));
    res.write(chunk({}, 'stop'));
    if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
}

// A request with tools gets one call whose arguments carry the same e-mail address and Taiwan ID,
// cut across fragments mid-value.
const TOOL_ARGS_PIECES = ['{"to":"jane.d', 'oe@example.com","ref":"G2970', '49707"}'];
const REDACTED_ARGS = { to: '[EMAIL_1]', ref: '[TW_NATIONAL_ID_1]' };
const MAIL_TOOL = { type: 'function', function: { name: 'send_mail', parameters: { type: 'object', properties: { to: { type: 'string' }, ref: { type: 'string' } } } } };

function answerWithToolCall(body, res) {
  const base = { id: `chatcmpl-tools-${seen.length}`, created: 1_700_000_000, model: 'gpt-fake' };
  const call = (args, first) => ({ index: 0, ...(first ? { id: 'call_1', type: 'function' } : {}), function: { ...(first ? { name: 'send_mail' } : {}), arguments: args } });
  if (!body.stream) {
    const message = { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'send_mail', arguments: TOOL_ARGS_PIECES.join('') } }] };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 10, completion_tokens: 9, total_tokens: 19 } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  res.write(chunk({ role: 'assistant', content: null, tool_calls: [call('', true)] }));
  for (const p of TOOL_ARGS_PIECES) res.write(chunk({ tool_calls: [call(p, false)] }));
  res.write(chunk({}, 'tool_calls'));
  res.end('data: [DONE]\n\n');
}

let fake;
let sy;
let alice;
let bob;
let claude;

before(async () => {
  fake = upstream();
  await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${fake.address().port}/v1`;
  sy = await startSwitchyard([
    'log: {access: off}',
    'keys:',
    '  - {name: alice, key: sk-alice}',
    '  - {name: bob, key: sk-bob}',
    'cache: {ttl: 1m, scope: key}',
    'output_guard: {on_sensitive: redact}',
    'models:',
    `  - {name: fake, provider: openai_compat, base_url: "${base}", retries: 0}`,
    'routes:',
    '  - {name: strict, cloud: [fake], output_guard: {on_sensitive: block}}',
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

test('openai: a repeated deterministic request is a cache hit, whole and streamed, for its own key only', { timeout: T }, async () => {
  const ask = { model: 'fake', temperature: 0, messages: [{ role: 'user', content: 'How many leave days?' }] };
  const first = await alice.chat.completions.create(ask).withResponse();
  assert.equal(first.response.headers.get('x-switchyard-cache'), 'miss');
  const calls = seen.length;
  const second = await alice.chat.completions.create(ask).withResponse();
  assert.equal(second.response.headers.get('x-switchyard-cache'), 'hit');
  assert.equal(second.data.choices[0].message.content, first.data.choices[0].message.content);
  assert.deepEqual(second.data.usage, first.data.usage);

  const stream = await alice.chat.completions.create({ ...ask, stream: true }).withResponse();
  assert.equal(stream.response.headers.get('x-switchyard-cache'), 'hit');
  let text = '';
  for await (const chunk of stream.data) text += chunk.choices[0]?.delta?.content ?? '';
  assert.equal(text, first.data.choices[0].message.content);
  assert.equal(seen.length, calls, 'the upstream was not asked again');

  const other = await bob.chat.completions.create(ask).withResponse();
  assert.equal(other.response.headers.get('x-switchyard-cache'), 'miss');
  assert.equal(seen.length, calls + 1);
});

test('anthropic: the same cache serves the Messages API, plain and streamed', { timeout: T }, async () => {
  const ask = { model: 'fake', max_tokens: 64, temperature: 0, messages: [{ role: 'user', content: 'Where is the VPN guide?' }] };
  const first = await claude.messages.create(ask).withResponse();
  assert.equal(first.response.headers.get('x-switchyard-cache'), 'miss');
  const calls = seen.length;
  const second = await claude.messages.create(ask).withResponse();
  assert.equal(second.response.headers.get('x-switchyard-cache'), 'hit');
  assert.equal(second.data.content[0].text, first.data.content[0].text);
  const stream = claude.messages.stream(ask);
  const final = await stream.finalMessage();
  assert.equal(final.content[0].text, first.data.content[0].text);
  assert.equal(seen.length, calls);
});

test('openai: an answer with an e-mail address and a Taiwan ID arrives redacted, streamed and whole', { timeout: T }, async () => {
  const ask = { model: 'fake', messages: [{ role: 'user', content: 'Who is my HR contact?' }] };
  const stream = await alice.chat.completions.create({ ...ask, stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.equal(text, REDACTED);
  const whole = await alice.chat.completions.create(ask);
  assert.equal(whole.choices[0].message.content, REDACTED);
});

test('anthropic: the streamed answer arrives redacted', { timeout: T }, async () => {
  const stream = claude.messages.stream({ model: 'fake', max_tokens: 64, messages: [{ role: 'user', content: 'Who is my HR contact?' }] });
  const final = await stream.finalMessage();
  assert.equal(final.content[0].text, REDACTED);
});

test('openai and anthropic: tool-call arguments with an e-mail address and a Taiwan ID arrive redacted', { timeout: T }, async () => {
  const ask = { model: 'fake', tools: [MAIL_TOOL], messages: [{ role: 'user', content: 'Mail my HR contact the form.' }] };
  const whole = await alice.chat.completions.create(ask);
  assert.deepEqual(JSON.parse(whole.choices[0].message.tool_calls[0].function.arguments), REDACTED_ARGS);
  const streamed = await alice.chat.completions.stream(ask).finalChatCompletion();
  const call = streamed.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, 'send_mail');
  assert.deepEqual(JSON.parse(call.function.arguments), REDACTED_ARGS);
  const tools = [{ name: 'send_mail', input_schema: MAIL_TOOL.function.parameters }];
  const final = await claude.messages.stream({ model: 'fake', max_tokens: 64, tools, messages: [{ role: 'user', content: 'Mail my HR contact the form.' }] }).finalMessage();
  const use = final.content.find((b) => b.type === 'tool_use');
  assert.ok(use, JSON.stringify(final.content));
  assert.deepEqual(use.input, REDACTED_ARGS);
});

test('a route that blocks: PermissionDeniedError whole, an APIError ends the stream', { timeout: T }, async () => {
  const ask = { model: 'strict', messages: [{ role: 'user', content: 'Who is my HR contact?' }] };
  await assert.rejects(alice.chat.completions.create(ask), (err) => {
    assert.ok(err instanceof OpenAI.PermissionDeniedError, `got ${err?.constructor?.name}`);
    assert.equal(err.status, 403);
    assert.equal(err.error?.type, 'output_guard');
    assert.ok(!String(err.message).includes('jane.doe'));
    return true;
  });
  let text = '';
  await assert.rejects(async () => {
    const stream = await alice.chat.completions.create({ ...ask, stream: true });
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  }, (err) => {
    assert.ok(err instanceof OpenAI.APIError, `got ${err?.constructor?.name}`);
    return true;
  });
  assert.ok(!text.includes('jane.doe'), text);
  await assert.rejects(claude.messages.create({ ...ask, max_tokens: 64 }), (err) => {
    assert.ok(err instanceof Anthropic.PermissionDeniedError, `got ${err?.constructor?.name}`);
    return true;
  });
});
