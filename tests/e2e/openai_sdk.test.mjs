// End-to-end: the official `openai` npm SDK talking to a real switchyard process, which forwards
// to a fake OpenAI upstream in this process. It checks what a real client sees (parsed objects,
// stream deltas, typed errors, headers) and what the upstream receives.
//
//   SWITCHYARD_BINARY=build/release/switchyard node --test tests/e2e/openai_sdk.test.mjs
//
// All traffic stays on 127.0.0.1; every wait is bounded; the server is stopped with SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';

const BINARY = process.env.SWITCHYARD_BINARY || '/work/main/build/release/switchyard';
const CLIENT_KEY = 'sk-test';
const UPSTREAM_KEY = 'sk-upstream-secret';
const READY_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 10_000;
const TEST_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------
// The fake upstream: OpenAI's documented wire format, nothing more. Every request it receives is
// recorded so tests can check what switchyard actually sent.
// ---------------------------------------------------------------------------------------------

const seen = []; // {method, url, headers, body}

const STREAM_PIECES = ['Hel', 'lo', ', wor', 'ld!'];
const FIXED_USAGE = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };

function sendJson(res, status, obj, extraHeaders = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
}

function chatCompletion(req) {
  return {
    id: 'chatcmpl-fake-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: `${req.model}-2024-fake`, // as OpenAI does: the answer names the dated snapshot
    system_fingerprint: 'fp_fake',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello from the fake upstream.', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: FIXED_USAGE,
  };
}

function textCompletion(req) {
  return {
    id: 'cmpl-fake-1',
    object: 'text_completion',
    created: 1_700_000_000,
    model: `${req.model}-2024-fake`,
    choices: [{ index: 0, text: ' completed text', logprobs: null, finish_reason: 'length' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}

async function streamChat(req, res) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = { id: 'chatcmpl-fake-2', object: 'chat.completion.chunk', created: 1_700_000_000, model: `${req.model}-2024-fake`, system_fingerprint: 'fp_fake' };
  const event = (obj) => `data: ${JSON.stringify(obj)}\n\n`;
  const events = [event({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] })];
  for (const piece of STREAM_PIECES) {
    events.push(event({ ...base, choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] }));
  }
  events.push(event({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] }));
  if (req.stream_options?.include_usage) {
    // OpenAI's closing usage chunk: empty choices, usage set.
    events.push(event({ ...base, choices: [], usage: FIXED_USAGE }));
  }
  events.push('data: [DONE]\n\n');
  for (const [i, ev] of events.entries()) {
    if (i === 2) {
      // Split one event across two writes so the gateway has to reassemble it.
      const mid = Math.floor(ev.length / 2);
      res.write(ev.slice(0, mid));
      await sleep(5);
      res.write(ev.slice(mid));
    } else {
      res.write(ev);
    }
    await sleep(2); // separate TCP pieces, like a real token stream
  }
  res.end();
}

function fakeUpstream() {
  return http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (raw += d));
    req.on('end', async () => {
      let body = null;
      try { body = JSON.parse(raw); } catch { /* recorded as null */ }
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.method !== 'POST' || !body) {
        return sendJson(res, 400, { error: { message: 'bad request', type: 'invalid_request_error', param: null, code: null } });
      }
      if (body.model === 'gpt-rate-limited') {
        return sendJson(res, 429, {
          error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' },
        }, { 'retry-after': '7' });
      }
      if (req.url === '/v1/chat/completions') {
        if (body.stream) return streamChat(body, res);
        return sendJson(res, 200, chatCompletion(body));
      }
      if (req.url === '/v1/completions') return sendJson(res, 200, textCompletion(body));
      return sendJson(res, 404, { error: { message: `no route ${req.url}`, type: 'invalid_request_error', param: null, code: null } });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Process management
// ---------------------------------------------------------------------------------------------

let upstream;
let server; // ChildProcess
let serverExit; // Promise<{code, signal}>
let serverLog = '';
let tmpDir;
let client;

function listen(srv) {
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv.address().port));
  });
}

// Resolves with the ready file's contents, or rejects if the server exits or the deadline passes.
async function waitForReady(file, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`switchyard exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${serverLog}`);
    }
    try {
      const text = fs.readFileSync(file, 'utf8');
      if (text.endsWith('\n')) return text.trim();
    } catch { /* not there yet */ }
    await sleep(25);
  }
  throw new Error(`switchyard was not ready within ${timeoutMs} ms:\n${serverLog}`);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

before(async () => {
  assert.ok(fs.existsSync(BINARY), `switchyard binary not found at ${BINARY} (set SWITCHYARD_BINARY)`);
  upstream = fakeUpstream();
  const upstreamPort = await listen(upstream);

  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-'));
  const config = path.join(tmpDir, 'switchyard.yaml');
  const readyFile = path.join(tmpDir, 'ready');
  fs.writeFileSync(config, [
    'listen: 127.0.0.1:0',
    'threads: 2',
    'drain_timeout: 5s',
    `log: {access: ${path.join(tmpDir, 'access.log')}}`,
    'keys:',
    `  - {name: demo, key: ${CLIENT_KEY}, models: ["*"]}`,
    'models:',
    '  - name: fake-chat',
    '    provider: openai_compat',
    `    base_url: http://127.0.0.1:${upstreamPort}/v1`,
    `    api_key: ${UPSTREAM_KEY}`,
    '    model: gpt-fake',
    '    timeout: 10s',
    '  - name: fake-limited',
    '    provider: openai_compat',
    `    base_url: http://127.0.0.1:${upstreamPort}/v1`,
    '    model: gpt-rate-limited',
    '    timeout: 10s',
    '',
  ].join('\n'));

  server = spawn(BINARY, ['serve', '--config', config, '--ready-file', readyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));
  serverExit = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));

  const addr = await waitForReady(readyFile, server, READY_TIMEOUT_MS);
  assert.match(addr, /^127\.0\.0\.1:\d+$/);
  client = new OpenAI({ baseURL: `http://${addr}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 10_000 });
});

after(async () => {
  // Normally the last test has already stopped the server; this covers a failure before it.
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
    await withTimeout(serverExit, EXIT_TIMEOUT_MS, 'switchyard exit after SIGKILL').catch(() => {});
  }
  if (upstream) {
    upstream.closeAllConnections?.();
    await withTimeout(new Promise((r) => upstream.close(r)), 5_000, 'fake upstream close').catch(() => {});
  }
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
});

const lastSeen = () => seen[seen.length - 1];

// ---------------------------------------------------------------------------------------------
// Tests (run in order; the last one stops the server)
// ---------------------------------------------------------------------------------------------

test('chat completion: content, model, usage and switchyard headers', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'fake-chat', messages: [{ role: 'user', content: 'Say hello' }] },
      { headers: { 'x-request-id': 'e2e-req-0001' } })
    .withResponse();

  assert.equal(data.object, 'chat.completion');
  assert.equal(data.choices[0].message.role, 'assistant');
  assert.equal(data.choices[0].message.content, 'Hello from the fake upstream.');
  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.equal(data.model, 'gpt-fake-2024-fake'); // the upstream's answer, not rewritten
  assert.equal(data.system_fingerprint, 'fp_fake'); // a response field switchyard does not interpret
  assert.deepEqual(data.usage, FIXED_USAGE);

  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-switchyard-route'), 'fake-chat');
  assert.ok(response.headers.get('x-switchyard-privacy'), 'x-switchyard-privacy header is present');
  assert.equal(response.headers.get('x-request-id'), 'e2e-req-0001');

  // What the upstream got: the configured upstream model name and key, never the client's key.
  const up = lastSeen();
  assert.equal(up.url, '/v1/chat/completions');
  assert.equal(up.body.model, 'gpt-fake');
  assert.deepEqual(up.body.messages, [{ role: 'user', content: 'Say hello' }]);
  assert.equal(up.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
  assert.equal(up.headers['x-request-id'], 'e2e-req-0001');
});

test('fields switchyard does not interpret reach the upstream unchanged', { timeout: TEST_TIMEOUT_MS }, async () => {
  const tools = [{
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } }, required: ['city'] },
      strict: true,
    },
  }];
  const extra = {
    tools,
    tool_choice: 'auto',
    seed: 1234567,
    response_format: { type: 'json_object' },
    logit_bias: { '50256': -100 },
    user: 'user-42',
    n: 1,
  };
  const messages = [{ role: 'user', content: 'Weather in Taipei?' }];
  await client.chat.completions.create({ model: 'fake-chat', messages, ...extra });
  const up = lastSeen();
  for (const [key, value] of Object.entries(extra)) {
    assert.deepEqual(up.body[key], value, `field '${key}' reached the upstream unchanged`);
  }
  assert.deepEqual(up.body.messages, messages);
});

test('streamed chat: deltas in order, usage chunk when include_usage', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'fake-chat', messages: [{ role: 'user', content: 'Stream please' }], stream: true, stream_options: { include_usage: true } })
    .withResponse();
  assert.equal(response.headers.get('x-switchyard-route'), 'fake-chat');
  assert.match(response.headers.get('content-type'), /^text\/event-stream/);

  const deltas = [];
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    assert.equal(chunk.object, 'chat.completion.chunk');
    for (const c of chunk.choices) if (c.delta?.content) deltas.push(c.delta.content);
  }
  assert.deepEqual(deltas, STREAM_PIECES);
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const finish = chunks.find((c) => c.choices[0]?.finish_reason);
  assert.equal(finish?.choices[0].finish_reason, 'stop');
  const last = chunks[chunks.length - 1];
  assert.deepEqual(last.choices, []);
  assert.deepEqual(last.usage, FIXED_USAGE);

  const up = lastSeen();
  assert.equal(up.body.stream, true);
  assert.equal(up.body.stream_options?.include_usage, true);
});

test('streamed chat without include_usage: same deltas, no usage chunk', { timeout: TEST_TIMEOUT_MS }, async () => {
  const stream = await client.chat.completions.create({ model: 'fake-chat', messages: [{ role: 'user', content: 'Stream please' }], stream: true });
  const deltas = [];
  for await (const chunk of stream) {
    assert.ok(!chunk.usage, `no usage expected, got ${JSON.stringify(chunk)}`);
    assert.ok(chunk.choices.length > 0, 'no chunk with empty choices expected');
    for (const c of chunk.choices) if (c.delta?.content) deltas.push(c.delta.content);
  }
  assert.deepEqual(deltas, STREAM_PIECES);
});

test('legacy completions endpoint', { timeout: TEST_TIMEOUT_MS }, async () => {
  const { data, response } = await client.completions.create({ model: 'fake-chat', prompt: 'Once upon', max_tokens: 2 }).withResponse();
  assert.equal(data.object, 'text_completion');
  assert.equal(data.choices[0].text, ' completed text');
  assert.equal(data.choices[0].finish_reason, 'length');
  assert.equal(response.headers.get('x-switchyard-route'), 'fake-chat');
  const up = lastSeen();
  assert.equal(up.url, '/v1/completions');
  assert.equal(up.body.prompt, 'Once upon');
  assert.equal(up.body.max_tokens, 2);
});

test('unknown model: NotFoundError 404 with the OpenAI error body', { timeout: TEST_TIMEOUT_MS }, async () => {
  const before = seen.length;
  await assert.rejects(
    client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    (err) => {
      assert.ok(err instanceof OpenAI.NotFoundError, `expected NotFoundError, got ${err?.constructor?.name}: ${err}`);
      assert.equal(err.status, 404);
      assert.equal(err.type, 'invalid_request_error');
      assert.equal(err.code, 'model_not_found');
      assert.equal(err.param, 'model');
      assert.match(err.error.message, /no-such-model/);
      assert.ok(err.requestID, 'the error carries x-request-id');
      return true;
    },
  );
  assert.equal(seen.length, before, 'nothing was sent upstream');
});

test('wrong key: AuthenticationError 401', { timeout: TEST_TIMEOUT_MS }, async () => {
  const bad = new OpenAI({ baseURL: client.baseURL, apiKey: 'sk-wrong', maxRetries: 0, timeout: 10_000 });
  const before = seen.length;
  await assert.rejects(
    bad.chat.completions.create({ model: 'fake-chat', messages: [{ role: 'user', content: 'hi' }] }),
    (err) => {
      assert.ok(err instanceof OpenAI.AuthenticationError, `expected AuthenticationError, got ${err?.constructor?.name}: ${err}`);
      assert.equal(err.status, 401);
      assert.equal(err.type, 'authentication_error');
      assert.equal(typeof err.error.message, 'string');
      return true;
    },
  );
  assert.equal(seen.length, before, 'nothing was sent upstream');
});

test('upstream 429 with Retry-After: RateLimitError 429', { timeout: TEST_TIMEOUT_MS }, async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'fake-limited', messages: [{ role: 'user', content: 'hi' }] }),
    (err) => {
      assert.ok(err instanceof OpenAI.RateLimitError, `expected RateLimitError, got ${err?.constructor?.name}: ${err}`);
      assert.equal(err.status, 429);
      assert.equal(err.type, 'rate_limit_error');
      assert.equal(err.headers.get('retry-after'), '7');
      assert.equal(err.code, 'rate_limit_exceeded');
      assert.match(err.error.message, /rate limit/i);
      // The upstream's own text names the gateway's account; switchyard withholds it.
      assert.doesNotMatch(err.error.message, /Rate limit reached for requests/);
      return true;
    },
  );
  assert.equal(lastSeen().body.model, 'gpt-rate-limited');
});

test('upstream 429 on a stream: RateLimitError before any chunk', { timeout: TEST_TIMEOUT_MS }, async () => {
  await assert.rejects(
    (async () => {
      const stream = await client.chat.completions.create({ model: 'fake-limited', messages: [{ role: 'user', content: 'hi' }], stream: true });
      for await (const _ of stream) { /* must not get here */ }
    })(),
    (err) => {
      assert.ok(err instanceof OpenAI.RateLimitError, `expected RateLimitError, got ${err?.constructor?.name}: ${err}`);
      assert.equal(err.headers.get('retry-after'), '7');
      return true;
    },
  );
});

test('SIGTERM drains and exits 0', { timeout: EXIT_TIMEOUT_MS + 5_000 }, async () => {
  server.kill('SIGTERM');
  const { code, signal } = await withTimeout(serverExit, EXIT_TIMEOUT_MS, 'switchyard exit after SIGTERM');
  assert.equal(signal, null, `switchyard died of ${signal}:\n${serverLog}`);
  assert.equal(code, 0, `switchyard exit code ${code}:\n${serverLog}`);
});
