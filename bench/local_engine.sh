#!/usr/bin/env bash
# The local engine against llama.cpp's own tools, side by side in one run, on the same GGUF with the
# same threads (both built from the same llama.cpp release by scripts/setup-llama):
#
#   single stream   llama-bench tg (pure decode, no server)   vs  one streamed request to switchyard
#   N clients       llama-server --parallel N                  vs  switchyard with slots: N
#                   aggregate tokens/s, TTFT p50/p99, for N in CLIENTS
#
# Every request is /v1/completions, greedy, with end-of-sequence banned (logit_bias) so each runs
# to MAX_TOKENS on both servers. Targets: >= 0.95x llama-bench single stream; >= 1.0x
# llama-server aggregate at 4 and 8 clients.
#
# Usage: bench/local_engine.sh
# Env:   MODEL (a GGUF; default: a random 8-layer, 384-wide llama made by `switchyard model init`),
#        THREADS (default: nproc), CLIENTS (default "1 4 8"), REQUESTS per client (default 3),
#        MAX_TOKENS (default 128), CTX per slot (default 512), ROUNDS of the single-stream pair
#        (default 5), SWITCHYARD_BINARY, KEEP_TMP=1.
# All traffic is to 127.0.0.1; every process started here is stopped by its PID on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
THREADS="${THREADS:-$(nproc)}"
CLIENTS="${CLIENTS:-1 4 8}"
REQUESTS="${REQUESTS:-3}"
ROUNDS="${ROUNDS:-5}"
MAX_TOKENS="${MAX_TOKENS:-128}"
CTX="${CTX:-512}"
SWITCHYARD_BINARY="${SWITCHYARD_BINARY:-$ROOT/build/release/switchyard}"
CLIENT="$HERE/local_engine_client.mjs"

die() { echo "local_engine: $*" >&2; exit 1; }
command -v node >/dev/null || die "node is not installed"
[[ -x "$SWITCHYARD_BINARY" ]] || die "no switchyard binary at $SWITCHYARD_BINARY (build it, or set SWITCHYARD_BINARY)"
LLAMA_PREFIX="$("$ROOT/scripts/setup-llama")"
LLAMA_BENCH="$LLAMA_PREFIX/bin/llama-bench"
LLAMA_SERVER="$LLAMA_PREFIX/bin/llama-server"
[[ -x "$LLAMA_BENCH" && -x "$LLAMA_SERVER" ]] || die "llama-bench / llama-server missing under $LLAMA_PREFIX"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/local-engine.XXXXXX")"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ "${KEEP_TMP:-0}" == 1 ]] && echo "logs kept in $TMP" >&2 || rm -rf "$TMP"
}
trap cleanup EXIT

if [[ -z "${MODEL:-}" ]]; then
  MODEL="$TMP/bench.gguf"
  "$SWITCHYARD_BINARY" model init --out "$MODEL" --layers 8 --embd 384 --heads 6 --ff 1024 --ctx 4096 >"$TMP/init.log" 2>&1 \
    || { cat "$TMP/init.log" >&2; die "model init failed"; }
fi
[[ -f "$MODEL" ]] || die "no model at $MODEL"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

wait_http() {  # url, pid, name
  for _ in $(seq 1 600); do
    kill -0 "$2" 2>/dev/null || { cat "$TMP/$3.log" >&2; die "$3 exited"; }
    if node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(1000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$1"; then return 0; fi
    sleep 0.2
  done
  die "$3 did not become ready"
}

stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# --- servers ------------------------------------------------------------------------------------
start_switchyard() {  # slots -> sets SY_PID, SY_URL
  local port; port="$(free_port)"
  cat >"$TMP/sy-$1.yaml" <<YAML
listen: 127.0.0.1:$port
log: {access: off}
models:
  - {name: bench, provider: local, path: "$MODEL", slots: $1, context: $CTX, threads: $THREADS, queue: 64}
YAML
  "$SWITCHYARD_BINARY" serve --config "$TMP/sy-$1.yaml" >"$TMP/switchyard.log" 2>&1 &
  SY_PID=$!; PIDS+=("$SY_PID"); SY_URL="http://127.0.0.1:$port"
  wait_http "$SY_URL/readyz" "$SY_PID" switchyard
}

start_llama_server() {  # parallel -> sets LS_PID, LS_URL
  local port; port="$(free_port)"
  "$LLAMA_SERVER" -m "$MODEL" --host 127.0.0.1 --port "$port" -np "$1" -c $(($1 * CTX)) -t "$THREADS" -tb "$THREADS" \
    --no-webui >"$TMP/llama-server.log" 2>&1 &
  LS_PID=$!; PIDS+=("$LS_PID"); LS_URL="http://127.0.0.1:$port"
  wait_http "$LS_URL/health" "$LS_PID" llama-server
}

run_client() {  # url clients requests -> JSON line
  node "$CLIENT" --url "$1" --model bench --clients "$2" --requests "$3" --max-tokens "$MAX_TOKENS"
}
field() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$1" "$2"; }
ratio() { node -e 'const [a,b]=process.argv.slice(1).map(Number);console.log(b>0?(a/b).toFixed(2):"n/a")' "$1" "$2"; }

echo "model: $MODEL ($(du -h "$MODEL" | cut -f1)), threads: $THREADS, max_tokens: $MAX_TOKENS, ctx/slot: $CTX, llama.cpp: $LLAMA_PREFIX"

# --- single stream --------------------------------------------------------------------------------
# ROUNDS alternating measurements of each (llama-bench once, then one switchyard stream), medians
# reported: on a shared machine a single run of either can be several times off.
median() { node -e 'const v=process.argv.slice(1).map(Number).sort((a,b)=>a-b);console.log(v[Math.floor(v.length/2)].toFixed(2))' "$@"; }
start_switchyard 1
run_client "$SY_URL" 1 1 >/dev/null  # warm-up
LB_ALL=() SY_ALL=()
for _ in $(seq 1 "$ROUNDS"); do
  BENCH_JSON="$("$LLAMA_BENCH" -m "$MODEL" -t "$THREADS" -p 0 -n "$MAX_TOKENS" -r 1 -o json 2>"$TMP/llama-bench.log")"
  LB_ALL+=("$(node -e 'const r=JSON.parse(process.argv[1]);console.log(r.find(x=>x.n_gen>0).avg_ts)' "$BENCH_JSON")")
  SY_ALL+=("$(field "$(run_client "$SY_URL" 1 1)" stream_decode_tps_median)")
done
stop_pid "$SY_PID"
LB_TPS="$(median "${LB_ALL[@]}")"
SY_TPS="$(median "${SY_ALL[@]}")"
echo
echo "single stream decode (tokens/s, median of $ROUNDS alternating rounds)"
printf "  %-28s %10s   (%s)\n" "llama-bench tg$MAX_TOKENS" "$LB_TPS" "${LB_ALL[*]}" "switchyard (one stream)" "$SY_TPS" "${SY_ALL[*]}"
printf "  %-28s %10s   (target >= 0.95)\n" "ratio switchyard/llama-bench" "$(ratio "$SY_TPS" "$LB_TPS")"

# --- concurrent clients ---------------------------------------------------------------------------
echo
printf "%-8s | %-34s | %-34s | %s\n" "clients" "llama-server  tok/s  ttft p50/p99 ms" "switchyard    tok/s  ttft p50/p99 ms" "ratio tok/s"
round=0
for n in $CLIENTS; do
  round=$((round + 1))
  # Alternate who goes first, so drifting background load hits both alike.
  order=(ls sy); (( round % 2 == 0 )) && order=(sy ls)
  for who in "${order[@]}"; do
    if [[ $who == ls ]]; then
      start_llama_server "$n"; run_client "$LS_URL" "$n" 1 >/dev/null; LS="$(run_client "$LS_URL" "$n" "$REQUESTS")"; stop_pid "$LS_PID"
    else
      start_switchyard "$n"; run_client "$SY_URL" "$n" 1 >/dev/null; SY="$(run_client "$SY_URL" "$n" "$REQUESTS")"; stop_pid "$SY_PID"
    fi
  done
  printf "%-8s | %18s  %6s / %-6s | %18s  %6s / %-6s | %s\n" "$n" \
    "$(field "$LS" aggregate_tps)" "$(field "$LS" ttft_p50_ms)" "$(field "$LS" ttft_p99_ms)" \
    "$(field "$SY" aggregate_tps)" "$(field "$SY" ttft_p50_ms)" "$(field "$SY" ttft_p99_ms)" \
    "$(ratio "$(field "$SY" aggregate_tps)" "$(field "$LS" aggregate_tps)")"
done
echo
echo "targets: single stream >= 0.95x llama-bench; aggregate >= 1.0x llama-server at 4 and 8 clients"
