// The output guard's cost on a stream, side by side: one fake upstream streams a 500-token answer
// (OpenAI's SSE format, one token every TOKEN_MS), two switchyards relay it, one without an output
// guard and one with `output_guard: {on_sensitive: redact}`. Requests alternate between the two;
// for each the client notes the time to the first content byte (TTFT) and to the end, and keeps
// the text. Reported: median and p90 of both, the difference, and whether the guarded text is the
// unguarded text (it must be: the answer holds nothing to find). A second answer with an e-mail
// address and a Taiwan ID in it shows the guard at work on the same stream.
//
//   node bench/output_guard_stream.mjs          ROUNDS=30 TOKEN_MS=5 SWITCHYARD_BINARY=...
// All traffic stays on 127.0.0.1; both servers are stopped by PID on exit.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BINARY = process.env.SWITCHYARD_BINARY || path.join(ROOT, 'build/release/switchyard');
const ROUNDS = Number(process.env.ROUNDS || 30);
const TOKEN_MS = Number(process.env.TOKEN_MS || 5);
const TOKENS = 500;

// 500 tokens as a tokenizer cuts English: words with their leading space, numbers, punctuation.
const WORDS = ('The quarterly review covers 12 regional offices , 3 product lines and the hiring plan for 2027 . ' +
  'Revenue rose 4.5 % while costs held steady ; the board asked for a second look at travel and at the ' +
  'support contracts that renew in March .').split(' ');
const CLEAN = Array.from({ length: TOKENS }, (_, i) => (i === 0 ? '' : ' ') + WORDS[i % WORDS.length]);
const LEAKY = CLEAN.slice();
LEAKY.splice(200, 4, ' Contact', ' jane.d', 'oe@example.com', ' (ID G297049707)');

function upstream() {
  return http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', async () => {
      const body = JSON.parse(raw);
      const tokens = body.messages[0].content === 'leaky' ? LEAKY : CLEAN;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const base = { id: 'chatcmpl-b', object: 'chat.completion.chunk', created: 1, model: 'm' };
      const ev = (delta, finish = null) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(ev({ role: 'assistant', content: '' }));
      for (const t of tokens) {
        res.write(ev({ content: t }));
        await sleep(TOKEN_MS);
      }
      res.write(ev({}, 'stop'));
      res.end('data: [DONE]\n\n');
    });
  });
}

async function startSwitchyard(dir, name, port, extra) {
  const config = path.join(dir, `${name}.yaml`);
  const ready = path.join(dir, `${name}.ready`);
  fs.writeFileSync(config, ['listen: 127.0.0.1:0', 'log: {access: off}', 'audit: {durable: false}', extra,
    'models:', `  - {name: m, provider: openai_compat, base_url: "http://127.0.0.1:${port}/v1", retries: 0}`, ''].join('\n'));
  const child = spawn(BINARY, ['serve', '--config', config, '--ready-file', ready], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  while (!fs.existsSync(ready) || !fs.readFileSync(ready, 'utf8').endsWith('\n')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${name} did not start`);
    await sleep(20);
  }
  return { child, addr: fs.readFileSync(ready, 'utf8').trim() };
}

// One streamed request: TTFT and total in ms, and the text.
function ask(addr, content) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    let ttft = null;
    let buffer = '';
    let text = '';
    const req = http.request(`http://${addr}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buffer += d;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (!event.startsWith('data: {')) continue;
          const piece = JSON.parse(event.slice(6)).choices?.[0]?.delta?.content;
          if (piece) {
            if (ttft === null) ttft = ms();
            text += piece;
          }
        }
      });
      res.on('end', () => resolve({ ttft, total: ms(), text }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content }] }));
  });
}

const quantile = (xs, q) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-bench-'));
const fake = upstream();
await new Promise((r) => fake.listen(0, '127.0.0.1', r));
const children = [];
try {
  const plain = await startSwitchyard(dir, 'plain', fake.address().port, '');
  children.push(plain.child);
  const guarded = await startSwitchyard(dir, 'guarded', fake.address().port, 'output_guard: {on_sensitive: redact}');
  children.push(guarded.child);
  await ask(plain.addr, 'warm');
  await ask(guarded.addr, 'warm');
  const results = { plain: [], guarded: [] };
  let identical = true;
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 ? ['plain', 'guarded'] : ['guarded', 'plain'];
    const got = {};
    for (const which of order) {
      got[which] = await ask(which === 'plain' ? plain.addr : guarded.addr, 'clean');
      results[which].push(got[which]);
    }
    identical &&= got.plain.text === got.guarded.text && got.plain.text === CLEAN.join('');
  }
  const leaky = await ask(guarded.addr, 'leaky');
  const row = (name, rs) => {
    const t = rs.map((r) => r.ttft);
    const total = rs.map((r) => r.total);
    return `${name.padEnd(10)} ${quantile(t, 0.5).toFixed(2).padStart(10)} ${quantile(t, 0.9).toFixed(2).padStart(10)} ${quantile(total, 0.5).toFixed(1).padStart(12)}`;
  };
  console.log(`output guard on a ${TOKENS}-token stream, one token every ${TOKEN_MS} ms, ${ROUNDS} alternating rounds (ms)`);
  console.log(`${'server'.padEnd(10)} ${'TTFT p50'.padStart(10)} ${'TTFT p90'.padStart(10)} ${'total p50'.padStart(12)}`);
  console.log(row('no guard', results.plain));
  console.log(row('guard', results.guarded));
  const added = quantile(results.guarded.map((r) => r.ttft), 0.5) - quantile(results.plain.map((r) => r.ttft), 0.5);
  console.log(`TTFT added by the guard (p50): ${added.toFixed(2)} ms`);
  console.log(`guarded text identical to unguarded, every round: ${identical ? 'yes' : 'NO'}`);
  const redacted = leaky.text.includes('[EMAIL_1]') && leaky.text.includes('[TW_NATIONAL_ID_1]') && !leaky.text.includes('jane.doe');
  console.log(`an e-mail address and a Taiwan ID in the same stream arrive redacted: ${redacted ? 'yes' : 'NO'}`);
  if (!identical || !redacted) process.exitCode = 1;
} finally {
  for (const c of children) c.kill('SIGTERM');
  fake.close();
  await sleep(300);
  fs.rmSync(dir, { recursive: true, force: true });
}
