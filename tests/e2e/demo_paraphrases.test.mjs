// The embedded default answers paraphrased FAQ questions with the right facts: config/switchyard.yaml
// as `make run` serves it (no cloud key, so `auto` has only the demo model and the FAQ), asked
// every question of tests/data/faq_paraphrases.jsonl (written by hand from the FAQ text, see its
// .md) through the official `openai` SDK at the client's defaults (no temperature, no max_tokens).
// An answer is right when it holds every fact string of its question. The first paraphrase of each
// entry chose faq.answer_threshold; the goal is on the other two: at least 90% right. The
// off-topic questions beside them must rarely get an FAQ answer.
//
//   SWITCHYARD_BINARY=... SWITCHYARD_DEMO_MODEL=var/models/faq-tiny.gguf node --test tests/e2e/demo_paraphrases.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

import { startSwitchyard } from './lib/switchyard.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = path.resolve(process.env.SWITCHYARD_DEMO_MODEL || path.join(ROOT, 'var/models/faq-tiny.gguf'));
const jsonl = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const PARAPHRASES = jsonl('tests/data/faq_paraphrases.jsonl');
const OFF_TOPIC = jsonl('tests/data/faq_offtopic.jsonl');

// The default config, with what a test must own instead: a free port, a store of its own, no
// access log, and absolute paths (the copy lives in a temporary folder).
function defaultConfig(storeDir) {
  const text = fs.readFileSync(path.join(ROOT, 'config/switchyard.yaml'), 'utf8');
  return text
    .split('\n')
    .filter((l) => !/^listen:/.test(l))
    .map((l) => l.replace(/^store: .*/, `store: "sqlite:${storeDir}/switchyard.db"`))
    .map((l) => l.replace(/^(\s*)access: stdout/, '$1access: off'))
    .map((l) => l.replace(/path: \.\.\/var\/models\/faq-tiny\.gguf/, `path: "${MODEL}"`))
    .map((l) => l.replace(/\.\.\//g, `${ROOT}/`));
}

let server;
let client;
let storeDir;

before(async () => {
  assert.ok(fs.existsSync(MODEL), `no demo model at ${MODEL} (run scripts/demo-model)`);
  storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-demo-store-'));
  const saved = process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_API_KEY; // the newcomer's first run: no cloud key
  server = await startSwitchyard(defaultConfig(storeDir));
  if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
  client = new OpenAI({ baseURL: `http://${server.addr}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 60_000 });
});

after(async () => {
  if (server) await server.stop();
  if (storeDir) fs.rmSync(storeDir, { recursive: true, force: true });
});

async function ask(question) {
  const { data, response } = await client.chat.completions
    .create({ model: 'auto', messages: [{ role: 'user', content: question }] })
    .withResponse();
  return { text: data.choices[0].message.content ?? '', route: response.headers.get('x-switchyard-route') };
}

test('the default answers at least 90% of held-out paraphrases with the right facts', { timeout: 600_000 }, async () => {
  const seen = new Map();
  const tally = {};
  const misses = [];
  for (let i = 0; i < PARAPHRASES.length; i += 4) {
    const group = PARAPHRASES.slice(i, i + 4);
    const answers = await Promise.all(group.map((p) => ask(p.question)));
    answers.forEach((a, k) => {
      const p = group[k];
      const nth = seen.get(p.faq) ?? 0;
      seen.set(p.faq, nth + 1);
      const half = nth === 0 ? 'calibration' : 'held-out';
      const key = `${half} ${p.lang} via ${a.route === 'faq' ? 'faq' : 'model'}`;
      const right = p.facts.every((f) => a.text.includes(f));
      tally[key] ??= { right: 0, all: 0 };
      tally[key].all++;
      if (right) tally[key].right++;
      else misses.push(`${half} ${p.faq} [${a.route}] ${JSON.stringify(p.question)}\n      got ${JSON.stringify(a.text.slice(0, 160))}`);
    });
  }
  const sum = (half) => Object.entries(tally).filter(([k]) => k.startsWith(half)).reduce((s, [, v]) => ({ right: s.right + v.right, all: s.all + v.all }), { right: 0, all: 0 });
  for (const [k, v] of Object.entries(tally).sort()) console.log(`${k}: ${v.right}/${v.all}`);
  const held = sum('held-out');
  const cal = sum('calibration');
  console.log(`held-out: ${held.right}/${held.all} right (${((100 * held.right) / held.all).toFixed(1)}%); calibration: ${cal.right}/${cal.all}`);
  if (misses.length) console.log(misses.join('\n'));
  assert.ok(held.right >= Math.ceil(0.9 * held.all), `held-out: only ${held.right}/${held.all} right`);
});

test('off-topic questions rarely get an FAQ answer', { timeout: 300_000 }, async () => {
  let fromFaq = 0;
  for (const q of OFF_TOPIC) {
    const a = await ask(q.question);
    if (a.route === 'faq') {
      fromFaq++;
      console.log(`answered from the FAQ: ${q.question} -> ${a.text.slice(0, 80)}`);
    }
  }
  console.log(`off-topic: ${fromFaq}/${OFF_TOPIC.length} answered from the FAQ`);
  assert.ok(fromFaq <= Math.floor(0.1 * OFF_TOPIC.length), `${fromFaq}/${OFF_TOPIC.length} off-topic questions got an FAQ answer`);
});
