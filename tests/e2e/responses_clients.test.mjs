// End-to-end: POST /v1/responses (OpenAI's Responses API) as the clients that use it by default
// call it — the official `openai` SDK (responses.create, plain, streamed, a tool round trip,
// previous_response_id, retrieve), the Vercel AI SDK (`openai(model)` is the Responses model:
// generateText, streamText, a tool loop), the OpenAI Agents SDK with a function tool, and
// LangChain's ChatOpenAI with useResponsesApi — against a real switchyard in front of a fake
// OpenAI chat/completions upstream (this process, OpenAI's documented wire format) and the demo
// model as the in-house target.
//
//   SWITCHYARD_BINARY=build/release/switchyard SWITCHYARD_DEMO_MODEL=var/models/faq-tiny.gguf \
//     node --test tests/e2e/responses_clients.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, tool, stepCountIs } from 'ai';
import { z } from 'zod';
import { Agent, Runner, OpenAIProvider, tool as agentTool, setTracingDisabled } from '@openai/agents';
import { ChatOpenAI } from '@langchain/openai';

import { startSwitchyard, readJson, sendChatAnswer } from './lib/switchyard.mjs';

const T = 30_000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = path.resolve(process.env.SWITCHYARD_DEMO_MODEL || path.join(ROOT, 'var/models/faq-tiny.gguf'));
const seen = []; // every chat body the fake cloud received
// What the fake says when asked for a contact: an e-mail address and a Taiwan ID, which the output
// guard must redact (the stream cuts them mid-value).
const LEAKY = 'Ask jane.doe@example.com; her ID is G297049707.';
const REDACTED = 'Ask [EMAIL_1]; her ID is [TW_NATIONAL_ID_1].';

// responses.stream()'s final response carries no output_text (responses.create's does): read the items.
const outputText = (r) => r.output.filter((o) => o.type === 'message').flatMap((o) => o.content).map((c) => c.text).join('');
const textOf = (m) => (typeof m.content === 'string' ? m.content : (m.content || []).map((p) => p.text || '').join(''));

// What the fake cloud answers, from the chat body it got:
// - tools offered and no tool result yet: a call of the first tool, {"city":"Paris"};
// - a tool result last: "The tool said: <result>";
// - a JSON schema asked for: {"name":"Ann","age":41};
// - otherwise: "Echo: <last user text> (<n> messages)", so a test sees the history that arrived.
function answerFor(body) {
  const last = body.messages[body.messages.length - 1];
  if (body.tools && last.role !== 'tool') {
    return { call: { id: `call_${seen.length}`, name: body.tools[0].function.name, arguments: '{"city":"Paris"}' } };
  }
  if (last.role === 'tool') return { text: `The tool said: ${textOf(last)}` };
  if (body.response_format?.type === 'json_schema') return { text: '{"name":"Ann","age":41}' };
  if (/contact/i.test(textOf(last))) return { text: LEAKY };
  const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
  return { text: `Echo: ${textOf(lastUser)} (${body.messages.length} messages)` };
}

function fakeCloud() {
  return http.createServer(async (req, res) => {
    const body = await readJson(req);
    seen.push(body);
    const a = answerFor(body);
    const base = { id: `chatcmpl-${seen.length}`, created: 1_700_000_000, model: 'gpt-fake' };
    const usage = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 };
    // Streamed text in pieces of 6 characters (mid-word, mid-value): the client puts it together.
    sendChatAnswer(res, body, a, { base, usage, argumentPieces: ['{"city"', ':"Paris"}'] });
  });
}

let fake;
let sy;
let url;
let alice;
let bob;

before(async () => {
  assert.ok(fs.existsSync(MODEL), `no demo model at ${MODEL} (run scripts/demo-model)`);
  setTracingDisabled(true); // the Agents SDK would export traces to api.openai.com
  fake = fakeCloud();
  await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
  sy = await startSwitchyard([
    'threads: 2',
    'log: {access: off}',
    'keys:',
    '  - {name: alice, key: sk-alice}',
    '  - {name: bob, key: sk-bob}',
    'models:',
    `  - {name: fake, provider: openai_compat, base_url: "http://127.0.0.1:${fake.address().port}/v1", retries: 0}`,
    `  - {name: faq-local, provider: local, path: "${MODEL}", slots: 2}`,
    'routes:',
    '  - {name: auto, local: [faq-local], cloud: [fake]}',
    '  - {name: guarded, cloud: [fake], output_guard: {on_sensitive: redact}}',
  ]);
  url = `http://${sy.addr}/v1`;
  alice = new OpenAI({ baseURL: url, apiKey: 'sk-alice', maxRetries: 0, timeout: T });
  bob = new OpenAI({ baseURL: url, apiKey: 'sk-bob', maxRetries: 0, timeout: T });
});

after(async () => {
  await sy?.stop();
  await new Promise((resolve) => fake?.close(resolve));
});

test('openai responses.create: a whole answer, with instructions and the route headers', { timeout: T }, async () => {
  const { data: r, response } = await alice.responses
    .create({ model: 'fake', instructions: 'Answer briefly.', input: 'Hello there', max_output_tokens: 64 })
    .withResponse();
  assert.match(r.id, /^resp_/);
  assert.equal(r.object, 'response');
  assert.equal(r.status, 'completed');
  assert.equal(r.output_text, 'Echo: Hello there (2 messages)');
  assert.equal(r.instructions, 'Answer briefly.');
  assert.equal(r.usage.input_tokens, 12);
  assert.equal(r.usage.output_tokens, 7);
  assert.equal(response.headers.get('x-switchyard-route'), 'fake');
  const sent = seen.at(-1);
  assert.equal(sent.messages[0].role, 'system');
  assert.equal(sent.messages[0].content, 'Answer briefly.');
  assert.equal(sent.max_tokens, 64);
  assert.equal(sent.store, undefined, 'Responses-only fields stay home');
});

test('openai responses.create stream: the event sequence puts the text back together', { timeout: T }, async () => {
  const stream = await alice.responses.create({ model: 'fake', input: 'Stream me', stream: true });
  const types = [];
  let text = '';
  let completed;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') completed = event.response;
  }
  assert.equal(text, 'Echo: Stream me (1 messages)');
  assert.equal(types[0], 'response.created');
  assert.equal(types.at(-1), 'response.completed');
  assert.ok(types.includes('response.output_item.added') && types.includes('response.output_text.done'));
  assert.equal(completed.output[0].content[0].text, text);
  assert.equal(completed.usage.output_tokens, 7);
  // The SDK's own accumulator (responses.stream) agrees.
  const helper = alice.responses.stream({ model: 'fake', input: 'Stream me again' });
  const final = await helper.finalResponse();
  assert.equal(outputText(final), 'Echo: Stream me again (1 messages)');
});

const WEATHER = { type: 'function', name: 'weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

test('openai responses: a tool round trip, plain and streamed', { timeout: T }, async () => {
  for (const stream of [false, true]) {
    let first;
    if (stream) {
      first = await alice.responses.stream({ model: 'fake', input: 'Weather in Paris?', tools: [WEATHER] }).finalResponse();
    } else {
      first = await alice.responses.create({ model: 'fake', input: 'Weather in Paris?', tools: [WEATHER] });
    }
    const call = first.output.find((o) => o.type === 'function_call');
    assert.ok(call, `a function_call item (stream=${stream})`);
    assert.equal(call.name, 'weather');
    assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });
    assert.equal(seen.at(-1).tools[0].function.name, 'weather', 'the tool reached the upstream in chat form');
    const second = await alice.responses.create({
      model: 'fake', tools: [WEATHER], store: false,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.call_id, output: '18C and sunny' },
      ],
    });
    assert.equal(second.output_text, 'The tool said: 18C and sunny');
    const sent = seen.at(-1).messages;
    assert.equal(sent[1].tool_calls[0].id, call.call_id);
    assert.equal(sent[2].role, 'tool');
    assert.equal(sent[2].tool_call_id, call.call_id);
  }
});

test('previous_response_id and retrieve: served from the store, for the key that made it only', { timeout: T }, async () => {
  const first = await alice.responses.create({ model: 'fake', input: 'My name is Ann.' });
  const second = await alice.responses.create({ model: 'fake', input: 'What is my name?', previous_response_id: first.id });
  assert.equal(second.output_text, 'Echo: What is my name? (3 messages)');
  assert.equal(second.previous_response_id, first.id);
  const sent = seen.at(-1).messages;
  assert.deepEqual(sent.map((m) => m.role), ['user', 'assistant', 'user']);
  assert.equal(sent[1].content, first.output_text);

  await assert.rejects(bob.responses.create({ model: 'fake', input: 'x', previous_response_id: first.id }), (e) => e.status === 404);
  const got = await alice.responses.retrieve(first.id);
  assert.equal(got.id, first.id);
  assert.equal(got.output_text, first.output_text);
  await assert.rejects(bob.responses.retrieve(first.id), (e) => e.status === 404);

  // store: false keeps nothing.
  const unstored = await alice.responses.create({ model: 'fake', input: 'forget me', store: false });
  await assert.rejects(alice.responses.retrieve(unstored.id), (e) => e.status === 404);
  await alice.responses.delete(first.id);
  await assert.rejects(alice.responses.retrieve(first.id), (e) => e.status === 404);
});

test('text.format json_schema reaches the upstream as response_format', { timeout: T }, async () => {
  const r = await alice.responses.create({
    model: 'fake', input: 'Who?',
    text: { format: { type: 'json_schema', name: 'person', strict: true, schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false } } },
  });
  assert.deepEqual(JSON.parse(r.output_text), { name: 'Ann', age: 41 });
  assert.equal(seen.at(-1).response_format.type, 'json_schema');
  assert.equal(seen.at(-1).response_format.json_schema.name, 'person');
});

test('the output guard redacts a Responses answer, whole and streamed', { timeout: T }, async () => {
  const whole = await alice.responses.create({ model: 'guarded', input: 'Who is the HR contact?' });
  assert.equal(whole.output_text, REDACTED);
  const stream = await alice.responses.create({ model: 'guarded', input: 'Who is the payroll contact?', stream: true });
  let text = '';
  let completed;
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') completed = event.response;
  }
  assert.equal(text, REDACTED);
  assert.equal(outputText(completed), REDACTED);
  // What is stored is what the client got.
  assert.equal((await alice.responses.retrieve(completed.id)).output_text, REDACTED);
});

test('bad input: an OpenAI error naming the field', { timeout: T }, async () => {
  await assert.rejects(alice.responses.create({ model: 'fake', input: 'x', tools: [{ type: 'web_search' }] }), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.param, 'tools[0].type');
    return true;
  });
  await assert.rejects(new OpenAI({ baseURL: url, apiKey: 'sk-wrong', maxRetries: 0 }).responses.create({ model: 'fake', input: 'x' }), (e) => e.status === 401);
});

test('a sensitive request through /v1/responses stays in-house', { timeout: T }, async () => {
  const before = seen.length;
  const { data: r, response } = await alice.responses
    .create({ model: 'auto', input: 'My national ID is A123456789, how many vacation days do I get?', max_output_tokens: 40, temperature: 0 })
    .withResponse();
  assert.equal(response.headers.get('x-switchyard-route'), 'faq-local');
  assert.equal(response.headers.get('x-switchyard-privacy'), 'local_only');
  assert.equal(r.status === 'completed' || r.status === 'incomplete', true);
  assert.ok(r.output_text.length > 0, 'the local model answered');
  assert.equal(seen.length, before, 'the cloud received nothing');
  // Streamed too, and a follow-up on it (its history holds the ID) stays in-house as well.
  const stream = await alice.responses.stream({ model: 'auto', input: 'And sick days?', previous_response_id: r.id, max_output_tokens: 20 }).finalResponse();
  assert.ok(outputText(stream).length > 0);
  assert.equal(seen.length, before, 'the follow-up carried the ID, so it stayed in-house');
});

test('Vercel AI SDK: openai(model) is the Responses model — generateText, streamText, a tool loop', { timeout: T }, async () => {
  const provider = createOpenAI({ baseURL: url, apiKey: 'sk-alice' });
  const plain = await generateText({ model: provider('fake'), prompt: 'Hi from the AI SDK', maxRetries: 0 });
  assert.equal(plain.text, 'Echo: Hi from the AI SDK (1 messages)');
  assert.equal(plain.usage.outputTokens, 7);

  const streamed = streamText({ model: provider('fake'), prompt: 'Streaming AI SDK', maxRetries: 0 });
  let text = '';
  for await (const piece of streamed.textStream) text += piece;
  assert.equal(text, 'Echo: Streaming AI SDK (1 messages)');

  const looped = await generateText({
    model: provider('fake'),
    prompt: 'Weather in Paris?',
    maxRetries: 0,
    tools: { weather: tool({ description: 'Weather for a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => `21C in ${city}` }) },
    stopWhen: stepCountIs(3),
  });
  assert.equal(looped.text, 'The tool said: 21C in Paris');
  assert.equal(looped.steps.length, 2);
});

test('OpenAI Agents SDK: an agent with a function tool', { timeout: T }, async () => {
  const provider = new OpenAIProvider({ baseURL: url, apiKey: 'sk-alice', useResponses: true });
  const runner = new Runner({ modelProvider: provider, tracingDisabled: true });
  const weather = agentTool({
    name: 'weather',
    description: 'Weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => `19C in ${city}`,
  });
  const agent = new Agent({ name: 'Forecaster', instructions: 'Use the weather tool.', model: 'fake', tools: [weather] });
  const result = await runner.run(agent, 'Weather in Paris?');
  assert.equal(result.finalOutput, 'The tool said: 19C in Paris');
});

test('LangChain ChatOpenAI with useResponsesApi: invoke and stream', { timeout: T }, async () => {
  const chat = new ChatOpenAI({ model: 'fake', useResponsesApi: true, apiKey: 'sk-alice', configuration: { baseURL: url }, maxRetries: 0 });
  const msg = await chat.invoke('Hi from LangChain');
  assert.equal(msg.text, 'Echo: Hi from LangChain (1 messages)');
  let text = '';
  for await (const chunk of await chat.stream('LangChain streaming')) text += chunk.text;
  assert.equal(text, 'Echo: LangChain streaming (1 messages)');
});
