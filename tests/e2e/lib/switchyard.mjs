// Starting and stopping a real switchyard process for end-to-end tests: a config written to a
// temporary directory, `--ready-file` to learn the port, SIGTERM to stop, SIGKILL as a last resort.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export const BINARY = process.env.SWITCHYARD_BINARY || '/work/main/build/release/switchyard';

// A fake upstream's reading of a request body: the JSON the gateway sent (it must always be JSON).
export function readJson(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      try { resolve(JSON.parse(body)); } catch (e) { reject(e); }
    });
  });
}

// A fake upstream's answer in OpenAI's chat/completions wire format: a whole chat.completion, or,
// when the request asked for a stream, chat.completion.chunk events and [DONE] (with the usage
// chunk when the request asked for it). `answer` is {text} or {call: {id, name, arguments}}; a
// streamed text goes out in pieces of `pieceChars` characters, a call's arguments in
// `argumentPieces` (which must join to its arguments).
export function sendChatAnswer(res, body, answer, { base, usage, pieceChars = 6, argumentPieces } = {}) {
  const finish = answer.call ? 'tool_calls' : 'stop';
  if (!body.stream) {
    const message = answer.call
      ? { role: 'assistant', content: null, tool_calls: [{ id: answer.call.id, type: 'function', function: { name: answer.call.name, arguments: answer.call.arguments } }] }
      : { role: 'assistant', content: answer.text };
    const out = JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta, finishReason = null) =>
    `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`;
  res.write(chunk({ role: 'assistant', content: '' }));
  if (answer.call) {
    res.write(chunk({ tool_calls: [{ index: 0, id: answer.call.id, type: 'function', function: { name: answer.call.name, arguments: '' } }] }));
    for (const piece of argumentPieces ?? [answer.call.arguments]) res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  } else {
    for (const piece of answer.text.match(new RegExp(`[\\s\\S]{1,${pieceChars}}`, 'gu')) ?? []) res.write(chunk({ content: piece }));
  }
  res.write(chunk({}, finish));
  if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
  res.end('data: [DONE]\n\n');
}

// One call of the admin API: GET without a body, POST with one; the status and the JSON answer.
export async function adminCall(baseUrl, adminKey, pathname, body) {
  const res = await fetch(`${baseUrl}${pathname}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// `configLines` is the YAML without `listen`. Resolves once the server listens.
export async function startSwitchyard(configLines, { readyTimeoutMs = 30_000 } = {}) {
  if (!fs.existsSync(BINARY)) throw new Error(`switchyard binary not found at ${BINARY} (set SWITCHYARD_BINARY)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-'));
  const config = path.join(dir, 'switchyard.yaml');
  const readyFile = path.join(dir, 'ready');
  fs.writeFileSync(config, ['listen: 127.0.0.1:0', ...configLines, ''].join('\n'));
  const child = spawn(BINARY, ['serve', '--config', config, '--ready-file', readyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;

  const deadline = Date.now() + readyTimeoutMs;
  let addr = null;
  let tlsAddr = null;  // with listen_tls: the ready file's second line, "tls HOST:PORT"
  let adminAddr = null;  // with admin_listen: the ready file's line "admin HOST:PORT"
  while (!addr) {
    if (!running()) throw new Error(`switchyard exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`switchyard was not ready within ${readyTimeoutMs} ms:\n${log}`);
    }
    try {
      const text = fs.readFileSync(readyFile, 'utf8');
      if (text.endsWith('\n')) {
        const lines = text.trim().split('\n');
        addr = lines[0];
        tlsAddr = lines.find((l) => l.startsWith('tls '))?.slice(4) ?? null;
        adminAddr = lines.find((l) => l.startsWith('admin '))?.slice(6) ?? null;
      }
    } catch { /* not there yet */ }
    if (!addr) await sleep(25);
  }

  return {
    addr,
    tlsAddr,
    adminAddr,
    dir,
    log: () => log,
    exited,
    async stop() {
      if (running()) child.kill('SIGTERM');
      const result = await withTimeout(exited, 10_000, 'switchyard exit after SIGTERM').catch(async () => {
        child.kill('SIGKILL');
        return withTimeout(exited, 5_000, 'switchyard exit after SIGKILL');
      });
      fs.rmSync(dir, { recursive: true, force: true });
      return result;
    },
  };
}
