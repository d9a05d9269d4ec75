// A soak: mixed traffic through switchyard to upstreams that misbehave, for DURATION seconds
// (default 600), bounded and on loopback. Every 30 s it prints the server's RSS, the requests done,
// hangs (a request with no end within 30 s: there must be none) and outcomes by type; at the end
// a summary, and exit code 1 if anything hung or the server died.
//
// Upstream behaviours (one model each): ok, ok-stream, 500, 429 (Retry-After), 503, hang (never
// answers), stall (a stream that stops), reset (the connection is cut), malformed JSON, an HTML
// page, a body past max_upstream_body, an SSE line of 1 MB. Clients pick a model and whether to
// stream at random; one in ten walks away mid-answer.
//
//   node bench/soak.mjs        DURATION=600 CLIENTS=16 SWITCHYARD_BINARY=...
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BINARY = process.env.SWITCHYARD_BINARY || path.join(ROOT, 'build/release/switchyard');
const DURATION = Number(process.env.DURATION || 600) * 1000;
const CLIENTS = Number(process.env.CLIENTS || 16);
const HANG_MS = 30_000;
const BEHAVIOURS = ['ok', 'ok', 'ok', 'stream', 'stream', 's500', 's429', 's503', 'hang', 'stall', 'reset', 'malformed', 'html', 'huge', 'longline'];

const completion = (text) => JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

function upstream() {
  return http.createServer((req, res) => {
    const behaviour = req.url.split('/')[1];
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', async () => {
      const stream = raw.includes('"stream":true');
      res.on('error', () => {});
      const answer = async () => {
        if (!stream) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(completion('fine'));
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const w of ['one ', 'two ', 'three']) {
          if (!res.write(chunk({ content: w }))) break;
          await sleep(20);
        }
        res.write(chunk({}, 'stop'));
        res.end('data: [DONE]\n\n');
      };
      switch (behaviour) {
        case 'ok': case 'stream': return answer();
        case 's500': res.writeHead(500, { 'content-type': 'application/json' }); return res.end('{"error":{"message":"boom"}}');
        case 's429': res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }); return res.end('{"error":{"message":"slow down"}}');
        case 's503': res.writeHead(503, { 'content-type': 'application/json' }); return res.end('{"error":{"message":"maintenance"}}');
        case 'hang': return;  // never answers: the gateway's first-byte timeout ends it
        case 'stall':
          res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
          res.write(stream ? chunk({ content: 'start ' }) : '{"id":');
          return;  // stops: the idle timeout ends it
        case 'reset': return req.socket.destroy();
        case 'malformed': res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' }); return res.end(stream ? 'data: {nope\n\n' : '{"choices": [}');
        case 'html': res.writeHead(502, { 'content-type': 'text/html' }); return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        case 'huge': res.writeHead(200, { 'content-type': 'application/json' }); return res.end('{"pad":"' + 'x'.repeat(2 << 20) + '"}');
        case 'longline':
          res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
          return res.end(stream ? `data: {"pad":"${'y'.repeat(1 << 20)}"}\n\n` : completion('y'.repeat(1 << 20)));
        default: res.writeHead(404); return res.end();
      }
    });
  });
}

const outcomes = {};
let done = 0;
let hangs = 0;
const note = (what) => { outcomes[what] = (outcomes[what] || 0) + 1; };

// One request; resolves with what happened, however it ends, or 'hang' after HANG_MS.
function ask(addr, model, stream, walkAway) {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (what) => { if (!settled) { settled = true; clearTimeout(timer); resolve(what); } };
    const timer = setTimeout(() => { req.destroy(); finish('hang'); }, HANG_MS);
    const req = http.request(`http://${addr}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        if (body.length < 4096) body += d;
        if (walkAway) { req.destroy(); finish('walked away'); }
      });
      res.on('end', () => {
        if (res.statusCode !== 200) {
          const m = body.match(/"(?:code|type)":"([a-z_]+)"/);
          return finish(`${res.statusCode} ${m ? m[1] : ''}`.trim());
        }
        finish(body.includes('"error"') ? '200 then error event' : '200');
      });
      res.on('error', () => finish('response cut'));
    });
    req.on('error', (e) => finish(`client error ${e.code || ''}`.trim()));
    req.end(JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hello' }] }));
  });
}

const rss = (pid) => {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
  } catch { return NaN; }
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-'));
const fake = upstream();
await new Promise((r) => fake.listen(0, '127.0.0.1', r));
const port = fake.address().port;
const models = [...new Set(BEHAVIOURS)].map((b) =>
  `  - {name: ${b}, provider: openai_compat, base_url: "http://127.0.0.1:${port}/${b}/v1", retries: 1, first_byte_timeout: 2s, idle_timeout: 2s, timeout: 10s, breaker: {failures: 5, open_for: 1s}}`);
fs.writeFileSync(path.join(dir, 'sy.yaml'), ['listen: 127.0.0.1:0', `log: {access: ${path.join(dir, 'access.log')}}`,
  `store: "sqlite:${path.join(dir, 'sy.db')}"`, 'audit: {durable: true}', 'limits: {max_upstream_body: 1MiB}', 'models:', ...models, ''].join('\n'));
const ready = path.join(dir, 'ready');
const child = spawn(BINARY, ['serve', '--config', path.join(dir, 'sy.yaml'), '--ready-file', ready], { stdio: 'ignore' });
let died = false;
child.on('exit', () => { died = true; });
try {
  const deadline = Date.now() + 15_000;
  while (!fs.existsSync(ready) || !fs.readFileSync(ready, 'utf8').endsWith('\n')) {
    if (Date.now() > deadline || died) throw new Error('switchyard did not start');
    await sleep(20);
  }
  const addr = fs.readFileSync(ready, 'utf8').trim();
  const t0 = Date.now();
  console.log(`soak: ${DURATION / 1000} s, ${CLIENTS} clients, ${BEHAVIOURS.length} upstream behaviours; RSS at start ${rss(child.pid).toFixed(1)} MiB`);
  const report = setInterval(() => {
    const t = Math.round((Date.now() - t0) / 1000);
    console.log(`t=${String(t).padStart(4)}s  rss ${rss(child.pid).toFixed(1).padStart(6)} MiB  requests ${String(done).padStart(7)}  hangs ${hangs}  ${JSON.stringify(outcomes)}`);
  }, 30_000);
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (Date.now() - t0 < DURATION && !died) {
      const model = BEHAVIOURS[Math.floor(Math.random() * BEHAVIOURS.length)];
      const what = await ask(addr, model, Math.random() < 0.5, Math.random() < 0.1);
      ++done;
      if (what === 'hang') ++hangs;
      note(`${model}: ${what}`);
    }
  }));
  clearInterval(report);
  const health = await new Promise((resolve) => {
    http.get(`http://${addr}/healthz`, (res) => { res.resume(); resolve(res.statusCode); }).on('error', () => resolve('error'));
  });
  console.log(`\nsummary: ${done} requests, ${hangs} hangs, server ${died ? 'DIED' : `alive (/healthz ${health})`}, RSS at the end ${rss(child.pid).toFixed(1)} MiB`);
  for (const [what, n] of Object.entries(outcomes).sort()) console.log(`  ${String(n).padStart(7)}  ${what}`);
  if (hangs > 0 || died || health !== 200) process.exitCode = 1;
} finally {
  child.kill('SIGTERM');
  fake.close();
  await sleep(500);
  fs.rmSync(dir, { recursive: true, force: true });
}
