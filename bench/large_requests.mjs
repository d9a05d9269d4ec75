// Memory and responsiveness under the largest requests the server accepts: CONCURRENCY clients
// at once each send a body of MESSAGES short messages (the shape that costs a JSON parser most per
// byte, about 16 MB), to a switchyard in front of a fake upstream that drains whatever it gets and
// answers at once. Meanwhile another client asks /healthz every 10 ms. Reported: the server's
// peak resident memory (VmHWM) against its idle RSS and the bytes in flight, its RSS afterwards,
// the slowest and p99 /healthz, and the status of every request.
//
//   node bench/large_requests.mjs        CONCURRENCY=16 MESSAGES=330000 SWITCHYARD_BINARY=...
// All traffic stays on 127.0.0.1; the server is stopped by PID on exit.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BINARY = process.env.SWITCHYARD_BINARY || path.join(ROOT, 'build/release/switchyard');
const CONCURRENCY = Number(process.env.CONCURRENCY || 16);
const MESSAGES = Number(process.env.MESSAGES || 330_000);
const EXTRA = process.env.EXTRA_CONFIG || '';

function upstream() {
  return http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
}

function status(pid, field) {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field + ':'));
  return line ? Number(line.split(/\s+/)[1]) : NaN;  // KiB
}

function post(addr, body) {
  return new Promise((resolve) => {
    const req = http.request(`http://${addr}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.setTimeout(120_000, () => req.destroy());
    req.on('error', () => resolve('error'));
    req.end(body);
  });
}

function healthz(addr) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(`http://${addr}/healthz`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    });
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', () => resolve(Infinity));
  });
}

// 330,000 messages of a few bytes each: ~16 MB, just under the 16 MiB body limit.
const messages = [];
for (let i = 0; i < MESSAGES; i++) messages.push(i % 2 ? '{"role":"assistant","content":"fine, thanks"}' : '{"role":"user","content":"how are you?"}');
const body = Buffer.from(`{"model":"m","messages":[${messages.join(',')}]}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'large-bench-'));
const fake = upstream();
await new Promise((r) => fake.listen(0, '127.0.0.1', r));
fs.writeFileSync(path.join(dir, 'sy.yaml'), ['listen: 127.0.0.1:0', 'log: {access: off}', 'audit: {durable: false}', EXTRA,
  'models:', `  - {name: m, provider: openai_compat, base_url: "http://127.0.0.1:${fake.address().port}/v1", retries: 0}`, ''].join('\n'));
const ready = path.join(dir, 'ready');
const child = spawn(BINARY, ['serve', '--config', path.join(dir, 'sy.yaml'), '--ready-file', ready], { stdio: 'ignore' });
try {
  const deadline = Date.now() + 15_000;
  while (!fs.existsSync(ready) || !fs.readFileSync(ready, 'utf8').endsWith('\n')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('switchyard did not start');
    await sleep(20);
  }
  const addr = fs.readFileSync(ready, 'utf8').trim();
  await healthz(addr);
  const idle = status(child.pid, 'VmRSS');
  const probes = [];
  let done = false;
  const prober = (async () => {
    while (!done) {
      probes.push(await healthz(addr));
      await sleep(10);
    }
  })();
  const t0 = Date.now();
  const statuses = await Promise.all(Array.from({ length: CONCURRENCY }, () => post(addr, body)));
  const seconds = (Date.now() - t0) / 1000;
  done = true;
  await prober;
  const peak = status(child.pid, 'VmHWM');
  await sleep(1000);
  const after = status(child.pid, 'VmRSS');
  probes.sort((a, b) => a - b);
  const counts = {};
  for (const s of statuses) counts[s] = (counts[s] || 0) + 1;
  const mb = (kib) => (kib / 1024).toFixed(1);
  console.log(`${CONCURRENCY} requests at once, each ${(body.length / 1e6).toFixed(1)} MB of ${MESSAGES} messages, in ${seconds.toFixed(1)} s`);
  console.log(`statuses: ${JSON.stringify(counts)}`);
  console.log(`RSS idle ${mb(idle)} MiB, peak ${mb(peak)} MiB (bodies sent: ${mb(CONCURRENCY * body.length / 1024)} MiB), after ${mb(after)} MiB`);
  console.log(`/healthz during the load: ${probes.length} probes, p50 ${probes[Math.floor(probes.length / 2)].toFixed(1)} ms, p99 ${probes[Math.floor(probes.length * 0.99)].toFixed(1)} ms, max ${probes[probes.length - 1].toFixed(1)} ms`);
} finally {
  child.kill('SIGTERM');
  fake.close();
  await sleep(300);
  fs.rmSync(dir, { recursive: true, force: true });
}
