// End-to-end over HTTPS: the official `openai` npm SDK talks to switchyard's `listen_tls`
// listener, whose certificate a CA made in this test (openssl CLI) issued. Node's fetch trusts
// that CA only through NODE_EXTRA_CA_CERTS, read at start, so the SDK runs in a child `node`
// started with it; the child prints what the SDK returned as JSON.
//
//   SWITCHYARD_BINARY=build/release/switchyard node --test tests/e2e/tls_openai.test.mjs
//
// All traffic stays on 127.0.0.1; every wait is bounded; processes are stopped by PID.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { readJson, sendChatAnswer, startSwitchyard, withTimeout } from './lib/switchyard.mjs';

const CHILD_TIMEOUT_MS = 15_000;
const OPENAI_MODULE = import.meta.resolve('openai');

let upstream;
let sy;
let pkiDir;

// A CA and a server certificate for 127.0.0.1, made fresh for this run.
function makePki(dir) {
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe', timeout: 10_000 });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=switchyard e2e test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1',
    '-keyout', 'server.key', '-out', 'server.csr');
  openssl('x509', '-req', '-days', '2', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-extfile', 'server.ext', '-out', 'server.pem');
}

// Runs `body` (an async function's text, given `client`) in a child node that trusts the test CA.
function runSdk(body) {
  const script = `
    const { default: OpenAI } = await import(process.env.OPENAI_MODULE);
    const client = new OpenAI({ baseURL: process.env.BASE_URL, apiKey: 'sk-test', maxRetries: 0, timeout: 10000 });
    const result = await (async (client) => { ${body} })(client);
    process.stdout.write(JSON.stringify(result));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(pkiDir, 'ca.pem'), OPENAI_MODULE,
      BASE_URL: `https://${sy.tlsAddr}/v1` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return withTimeout(done, CHILD_TIMEOUT_MS, 'the SDK child')
    .catch((e) => {
      process.kill(child.pid, 'SIGKILL');
      throw e;
    })
    .then((code) => {
      if (code !== 0) throw new Error(`the SDK child exited ${code}:\n${err}\nswitchyard log:\n${sy.log()}`);
      return JSON.parse(out);
    });
}

before(async () => {
  pkiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-pki-'));
  makePki(pkiDir);
  upstream = http.createServer(async (req, res) => {
    const body = await readJson(req);
    sendChatAnswer(res, body, { text: 'Hello over TLS.' }, {
      base: { id: 'chatcmpl-tls', created: 1_700_000_000, model: body.model },
      usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
    });
  });
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  sy = await startSwitchyard([
    'log: {access: off}',
    `listen_tls: {address: 127.0.0.1:0, cert: ${pkiDir}/server.pem, key: ${pkiDir}/server.key}`,
    'keys:',
    '  - {name: tester, key: sk-test, models: ["*"]}',
    'models:',
    '  - name: gpt-4o-mini',
    '    provider: openai_compat',
    `    base_url: http://127.0.0.1:${upstream.address().port}/v1`,
  ]);
  assert.ok(sy.tlsAddr, 'the ready file names the TLS address');
});

after(async () => {
  await sy?.stop();
  await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve()));
  if (pkiDir) fs.rmSync(pkiDir, { recursive: true, force: true });
});

test('chat over https with the official SDK', async () => {
  const result = await runSdk(`
    const c = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    return { content: c.choices[0].message.content, total: c.usage.total_tokens };`);
  assert.equal(result.content, 'Hello over TLS.');
  assert.equal(result.total, 9);
});

test('streamed chat over https with the official SDK', async () => {
  const result = await runSdk(`
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) { chunks++; text += chunk.choices[0]?.delta?.content ?? ''; }
    return { text, chunks };`);
  assert.equal(result.text, 'Hello over TLS.');
  assert.ok(result.chunks > 2, `the answer came in pieces (${result.chunks} chunks)`);
});

test('without the test CA the SDK refuses the certificate', async () => {
  // The same SDK in this process, which does not trust the test CA: the certificate is checked.
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ baseURL: `https://${sy.tlsAddr}/v1`, apiKey: 'sk-test', maxRetries: 0, timeout: 5000 });
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    (e) => e.constructor.name === 'APIConnectionError',
  );
});
