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
  while (!addr) {
    if (!running()) throw new Error(`switchyard exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`switchyard was not ready within ${readyTimeoutMs} ms:\n${log}`);
    }
    try {
      const text = fs.readFileSync(readyFile, 'utf8');
      if (text.endsWith('\n')) addr = text.trim();
    } catch { /* not there yet */ }
    if (!addr) await sleep(25);
  }

  return {
    addr,
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
