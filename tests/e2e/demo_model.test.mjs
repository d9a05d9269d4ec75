// The demo model end to end: the model `switchyard train` made from data/faq/faq.jsonl (built by
// scripts/demo-model, the CTest fixture before this test), served by the local engine, asked every
// training question through the official `openai` SDK with greedy decoding. It must give the
// FAQ's answer text for at least 90% of them — the loop from data to a served answer, not a loss.
//
//   SWITCHYARD_BINARY=... SWITCHYARD_DEMO_MODEL=var/models/faq-tiny.gguf node --test tests/e2e/demo_model.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

import { startSwitchyard } from './lib/switchyard.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = process.env.SWITCHYARD_DEMO_MODEL || path.join(ROOT, 'var/models/faq-tiny.gguf');
const FAQ = fs.readFileSync(path.join(ROOT, 'data/faq/faq.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

let server;
let client;

before(async () => {
  assert.ok(fs.existsSync(MODEL), `no demo model at ${MODEL} (run scripts/demo-model)`);
  server = await startSwitchyard([
    'threads: 2',
    'log: {access: off}',
    'models:',
    `  - {name: faq-local, provider: local, path: "${MODEL}", slots: 4}`,
  ]);
  client = new OpenAI({ baseURL: `http://${server.addr}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 60_000 });
});

after(async () => {
  if (server) await server.stop();
});

const ask = (question) =>
  client.chat.completions.create({
    model: 'faq-local', temperature: 0, max_tokens: 160,
    messages: [{ role: 'user', content: question }],
  });

test('the demo model answers at least 90% of its training questions with the FAQ text', { timeout: 300_000 }, async () => {
  // Four at a time: the answers must not depend on what else is in the batch.
  const misses = [];
  let exact = 0;
  for (let i = 0; i < FAQ.length; i += 4) {
    const group = FAQ.slice(i, i + 4);
    const answers = await Promise.all(group.map((f) => ask(f.question)));
    answers.forEach((a, k) => {
      const got = a.choices[0].message.content.trim();
      if (got === group[k].answer) exact++;
      else misses.push(`${group[k].id}: expected ${JSON.stringify(group[k].answer)}\n      got ${JSON.stringify(got)}`);
      assert.equal(a.model, 'faq-local');
    });
  }
  console.log(`demo model: ${exact}/${FAQ.length} FAQ answers reproduced exactly`);
  if (misses.length) console.log(misses.join('\n'));
  assert.ok(exact >= Math.ceil(0.9 * FAQ.length), `only ${exact}/${FAQ.length} answers matched`);
});

test('streamed and whole answers agree, and usage is reported', { timeout: 60_000 }, async () => {
  const question = FAQ[0].question;
  const whole = await ask(question);
  const stream = await client.chat.completions.create({
    model: 'faq-local', temperature: 0, max_tokens: 160, stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: question }],
  });
  let text = '';
  let usage = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, whole.choices[0].message.content);
  assert.ok(usage && usage.completion_tokens > 0 && usage.prompt_tokens > 0);
  assert.equal(usage.completion_tokens, whole.usage.completion_tokens);
});
