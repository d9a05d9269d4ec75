// Load generator for bench/local_engine.sh: N concurrent clients, each sending streamed
// /v1/completions requests one after another to an OpenAI-compatible server (switchyard or
// llama-server), timing the first token and counting tokens. Prints one JSON line.
//
//   node local_engine_client.mjs --url http://127.0.0.1:PORT --model NAME --clients N \
//        --requests R --max-tokens M [--ban-token ID]
// Traffic goes only to the given 127.0.0.1 URL; every request has a deadline.
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    url: { type: "string" },
    model: { type: "string", default: "bench" },
    clients: { type: "string", default: "1" },
    requests: { type: "string", default: "4" },
    "max-tokens": { type: "string", default: "128" },
    "ban-token": { type: "string", default: "2" },
    "timeout-s": { type: "string", default: "300" },
  },
});
if (!a.url || !a.url.startsWith("http://127.0.0.1:")) throw new Error("--url must be http://127.0.0.1:PORT");
const clients = Number(a.clients), requests = Number(a.requests), maxTokens = Number(a["max-tokens"]);

const topics = ["annual leave", "the VPN", "expense claims", "payslips", "phishing", "the first day", "parental leave", "lost laptops"];

async function one(clientId, i) {
  // Distinct prompts, so neither server can answer from a cached prefix beyond the shared opening.
  const prompt = `Request ${clientId}-${i}. Write a long and detailed note about ${topics[(clientId + i) % topics.length]} for employee ${clientId * 1000 + i}.`;
  const body = {
    model: a.model, prompt, max_tokens: maxTokens, temperature: 0, stream: true,
    stream_options: { include_usage: true },
    // The end-of-sequence token is banned so every request runs to max_tokens on both servers.
    logit_bias: { [a["ban-token"]]: -100 },
  };
  const t0 = performance.now();
  const res = await fetch(`${a.url}/v1/completions`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    signal: AbortSignal.timeout(Number(a["timeout-s"]) * 1000),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  let first = null, last = null, chunks = 0, usageTokens = null, buf = "";
  const decoder = new TextDecoder();
  for await (const piece of res.body) {
    buf += decoder.decode(piece, { stream: true });
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
      const ev = JSON.parse(line.slice(6));
      if (ev.usage?.completion_tokens) usageTokens = ev.usage.completion_tokens;
      const text = ev.choices?.[0]?.text ?? ev.choices?.[0]?.delta?.content ?? ev.content;
      if (text) {
        const now = performance.now();
        if (first === null) first = now;
        last = now;
        chunks++;
      }
    }
  }
  const tokens = usageTokens ?? chunks;
  return { ttft: first - t0, tokens, decodeMs: last - first, endMs: last };
}

const started = performance.now();
const results = [];
await Promise.all(Array.from({ length: clients }, async (_, c) => {
  for (let i = 0; i < requests; i++) results.push(await one(c, i));
}));
const wall = (performance.now() - started) / 1000;
const ttfts = results.map(r => r.ttft).sort((x, y) => x - y);
const pct = p => ttfts[Math.min(ttfts.length - 1, Math.floor(p * ttfts.length))];
const decodeRates = results.map(r => (r.tokens - 1) / (r.decodeMs / 1000)).sort((x, y) => x - y);
const tokens = results.reduce((s, r) => s + r.tokens, 0);
console.log(JSON.stringify({
  clients, requests: results.length, tokens, wall_s: +wall.toFixed(3),
  aggregate_tps: +(tokens / wall).toFixed(2),
  ttft_p50_ms: +pct(0.5).toFixed(1), ttft_p99_ms: +pct(0.99).toFixed(1),
  stream_decode_tps_median: +decodeRates[Math.floor(decodeRates.length / 2)].toFixed(2),
}));
