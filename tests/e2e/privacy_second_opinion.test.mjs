// End-to-end: privacy.classifier with the demo model (var/models/faq-tiny.gguf, the CTest fixture)
// as the in-house second opinion, through the official `openai` SDK, plain and streamed, in front
// of a fake OpenAI-compatible cloud in this process (OpenAI's documented wire format) that records
// every body. The demo model was trained on FAQ answers, not on privacy: what is tested is the
// mechanism. Every borderline request is asked about (`when: "score in [0, 1]"`); the demo model's
// constrained answer comes back readable (yes or no, never "failed"); it decides where the request
// goes; a request the rules flagged is not asked about; the question never reaches the cloud.
//
//   SWITCHYARD_BINARY=... SWITCHYARD_DEMO_MODEL=var/models/faq-tiny.gguf node --test tests/e2e/privacy_second_opinion.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

import { startSwitchyard, readJson, sendChatAnswer } from './lib/switchyard.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL = process.env.SWITCHYARD_DEMO_MODEL || path.join(ROOT, 'var/models/faq-tiny.gguf');
const T = 120_000;
const seen = [];

// Long enough that the default policy sends it to the cloud when nobody calls it sensitive.
const PLAIN = `Please summarise these release notes for the team newsletter. ${'The build is faster. '.repeat(20)}`;

let cloud;
let sy;
let client;

before(async () => {
  assert.ok(fs.existsSync(MODEL), `no demo model at ${MODEL} (run scripts/demo-model)`);
  cloud = http.createServer(async (req, res) => {
    const body = await readJson(req);
    seen.push(JSON.stringify(body));
    sendChatAnswer(res, body, { text: 'Summary from the cloud.' }, {
      base: { id: `chatcmpl-${seen.length}`, created: 1_700_000_000, model: 'gpt-fake' },
      usage: { prompt_tokens: 40, completion_tokens: 4, total_tokens: 44 },
    });
  });
  await new Promise((resolve) => cloud.listen(0, '127.0.0.1', resolve));
  sy = await startSwitchyard([
    'log: {access: off}',
    'models:',
    // The demo model was trained on 256-token contexts; the question and a release note need more.
    `  - {name: faq-local, provider: local, path: "${MODEL}", slots: 2, context: 1024}`,
    `  - {name: cloud-fast, provider: openai_compat, base_url: "http://127.0.0.1:${cloud.address().port}/v1", retries: 0}`,
    'routes:',
    '  - {name: auto, local: [faq-local], cloud: [cloud-fast]}',
    'privacy:',
    '  classifier: {model: faq-local, when: "score in [0, 1]", timeout: 60s}',
  ]);
  client = new OpenAI({ baseURL: `http://${sy.addr}/v1`, apiKey: 'unused', maxRetries: 0, timeout: T });
});

after(async () => {
  await sy?.stop();
  await new Promise((resolve) => cloud?.close(resolve));
  for (const body of seen) assert.ok(!body.includes('personal data'), 'the cloud was asked the question');
});

// switchyard_privacy_model_verdicts_total by judge.
async function verdicts() {
  const text = await (await fetch(`http://${sy.addr}/metrics`)).text();
  const out = {};
  for (const m of text.matchAll(/switchyard_privacy_model_verdicts_total\{judge="([^"]+)"\} (\d+)/g)) out[m[1]] = Number(m[2]);
  return out;
}

// Where the answer says the request went must follow from the second opinion's answer.
function assertRoutedBy(answer, headers, cloudCalls) {
  if (answer === 'yes') {
    assert.equal(headers.get('x-switchyard-privacy'), 'local_only');
    assert.equal(headers.get('x-switchyard-route'), 'faq-local');
    assert.equal(seen.length, cloudCalls);
  } else {
    assert.equal(headers.get('x-switchyard-privacy'), 'any');
    assert.equal(headers.get('x-switchyard-route'), 'cloud-fast');
    assert.equal(seen.length, cloudCalls + 1);
  }
}

test('the demo model answers the second opinion, readably, and its answer routes the request', { timeout: T }, async () => {
  const before = seen.length;
  const { data, response } = await client.chat.completions
    .create({ model: 'auto', max_tokens: 16, messages: [{ role: 'user', content: PLAIN }] })
    .withResponse();
  assert.ok(data.choices[0].message.content.length > 0);
  const asked = await verdicts();
  const answers = Object.keys(asked);
  assert.equal(answers.length, 1, `one answer: ${JSON.stringify(asked)}\n${sy.log()}`);
  assert.ok(answers[0] === 'yes' || answers[0] === 'no', `a readable answer, not ${answers[0]}:\n${sy.log()}`);
  assert.equal(asked[answers[0]], 1);
  assertRoutedBy(answers[0], response.headers, before);
});

test('a streamed request is asked about the same way', { timeout: T }, async () => {
  const before = seen.length;
  const asked = await verdicts();
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'auto', max_tokens: 16, stream: true, messages: [{ role: 'user', content: PLAIN }] })
    .withResponse();
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.ok(text.length > 0);
  const now = await verdicts();
  const grew = Object.keys(now).filter((k) => now[k] !== (asked[k] ?? 0));
  assert.equal(grew.length, 1, `one more answer: ${JSON.stringify(now)}`);
  assert.ok(grew[0] === 'yes' || grew[0] === 'no', `a readable answer, not ${grew[0]}`);
  assertRoutedBy(grew[0], response.headers, before);
});

test('a request the rules flagged stays in-house and nobody is asked', { timeout: T }, async () => {
  const asked = await verdicts();
  const before = seen.length;
  const { response } = await client.chat.completions
    .create({ model: 'auto', max_tokens: 16, messages: [{ role: 'user', content: `Write to jane.doe@example.com: ${PLAIN}` }] })
    .withResponse();
  assert.equal(response.headers.get('x-switchyard-privacy'), 'local_only');
  assert.equal(response.headers.get('x-switchyard-route'), 'faq-local');
  assert.deepEqual(await verdicts(), asked);
  assert.equal(seen.length, before);
});
