#!/usr/bin/env bash
# Gateway overhead, side by side: what does putting a gateway in front of a fast upstream cost?
#
#   direct      wrk -> nginx                       (the floor: the upstream alone)
#   baseline    wrk -> an earlier switchyard build -> nginx     (BASELINE_BINARY=path: no regression?)
#   switchyard  wrk -> switchyard (threads: 1) -> nginx
#   sy-guard    the same with the response cache and the output guard configured: the cache is
#               consulted for nothing (temperature 0.2 is not cached), the guard scans every answer
#   sy-hit      the same with the cache, for a temperature-0 request: every answer is a cache hit
#   sy-t2       wrk -> switchyard (threads: 2) -> nginx       (THREADS2=1, the default)
#   sy-noaudit  switchyard with the audit trail off              (AUDIT_ROWS=1)
#   sy-durable  switchyard with a durable audit trail            (AUDIT_ROWS=1; with
#               AUDIT_DURABLE=false the three rows are the audit's cost: off, non-durable, durable)
#   portkey     wrk -> @portkey-ai/gateway (Node) -> nginx
#   nginx-proxy wrk -> nginx as a plain reverse proxy (pinned like the gateway) -> nginx: what one
#               more HTTP hop costs on this machine with no work done in it (NGINX_PROXY=1, the
#               default): the floor under any gateway's added latency here
#
# nginx answers POST /v1/chat/completions with a fixed chat.completion, so any difference between
# rows is the gateway. Targets are measured in alternating rounds (every target at c=1, then
# every target at c=16, ...) so that background noise on this shared machine hits all alike, each
# round in a rotated order.
#
# Usage: bench/gateway_overhead.sh            (DURATION=10 seconds per measurement)
#        DURATION=2 WARMUP=1 bench/gateway_overhead.sh   (a quick check)
# Env:   DURATION (s, default 10), WARMUP (s per target before measuring, default 2),
#        CONNECTIONS (default "1 16 64"), ROUNDS (default 1; >1 reports the median per cell),
#        AUDIT_DURABLE (default true: each answer waits for its audit record on disk, SQLite file),
#        THREADS2 (1 = also measure switchyard with threads: 2), STAGES (1 = the sy-guard and sy-hit
#        rows, default 1), BASELINE_BINARY (an earlier build to run beside), PORTKEY (0 = without
#        Portkey, for a quicker look at switchyard alone), PIN (1 = pin processes to cores,
#        default 1 when the machine has 2+ cores), SWITCHYARD_BINARY, KEEP_TMP=1 (keep logs),
#        AUDIT_ROWS (1 = the sy-noaudit and sy-durable rows, measured in the same rounds; default 0),
#        NGINX_PROXY (0 = without the nginx-proxy reference row).
# Needs: nginx, wrk, node + `npm ci` in bench/ (for Portkey), curl, taskset (optional).
# All traffic is to 127.0.0.1; every process started here is stopped by PID on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
CONNECTIONS="${CONNECTIONS:-1 16 64}"
ROUNDS="${ROUNDS:-1}"
THREADS2="${THREADS2:-1}"
SWITCHYARD_BINARY="${SWITCHYARD_BINARY:-$ROOT/build/release/switchyard}"
PORTKEY_JS="$HERE/node_modules/@portkey-ai/gateway/build/start-server.js"
WRK_SCRIPT="$HERE/chat_post.lua"
BENCH_KEY="sk-bench"

die() { echo "gateway_overhead: $*" >&2; exit 1; }
for tool in nginx wrk node curl; do command -v "$tool" >/dev/null || die "'$tool' is not installed"; done
[[ -x "$SWITCHYARD_BINARY" ]] || die "no switchyard binary at $SWITCHYARD_BINARY (build it, or set SWITCHYARD_BINARY)"
PORTKEY="${PORTKEY:-1}"
[[ "$PORTKEY" == 0 || -f "$PORTKEY_JS" ]] || die "Portkey is not installed: run 'npm ci' in $HERE"

# Cores: the gateway under test gets core 1; wrk and nginx share core 0. Without pinning, the
# scheduler would let wrk and the gateway fight over the same core and the numbers would mostly
# measure that. sy-t2 gets both cores, so its row includes competing with wrk and nginx.
NCPU="$(nproc)"
PIN="${PIN:-$([[ $NCPU -ge 2 ]] && echo 1 || echo 0)}"
if [[ "$PIN" == 1 ]] && command -v taskset >/dev/null; then
  LOAD_ON=(taskset -c 0)
  GATEWAY_ON=(taskset -c 1)
  BOTH_ON=(taskset -c 0,1)
else
  LOAD_ON=() GATEWAY_ON=() BOTH_ON=()
fi

# A private $TMP, everything started here ended by PID at exit, free_port, wait_http.
source "$(dirname "$0")/lib/processes.sh"
bench_init gateway-overhead

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo "?"; }

# --- nginx: the upstream ------------------------------------------------------------------------
NGINX_PORT="$(free_port)"
sed -e "s|@TMP@|$TMP|g" -e "s|@PORT@|$NGINX_PORT|g" "$HERE/nginx_upstream.conf.in" > "$TMP/nginx.conf"
"${LOAD_ON[@]}" nginx -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" >"$TMP/nginx.out" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$NGINX_PORT/" 10 "nginx"

# --- switchyard ---------------------------------------------------------------------------------
start_switchyard() {  # name threads binary extra-yaml cpu-prefix... ; sets SY_PID and SY_ADDR
  local name="$1" threads="$2" binary="$3" extra="$4"; shift 4
  cat > "$TMP/$name.yaml" <<EOF
listen: 127.0.0.1:0
threads: $threads
drain_timeout: 5s
log: {access: $TMP/$name-access.log}
store: sqlite:$TMP/$name.db
audit: ${SY_AUDIT:-"{durable: ${AUDIT_DURABLE:-true}, enabled: ${AUDIT_ENABLED:-true}}"}
keys:
  - {name: bench, key: $BENCH_KEY, models: ["*"]}
models:
  - name: bench-model
    provider: openai_compat
    base_url: http://127.0.0.1:$NGINX_PORT/v1
    api_key: sk-upstream
    model: gpt-4o-mini
$extra
EOF
  rm -f "$TMP/$name.ready"
  "$@" "$binary" serve --config "$TMP/$name.yaml" --ready-file "$TMP/$name.ready" \
    >"$TMP/$name.log" 2>&1 &
  SY_PID=$!
  PIDS+=("$SY_PID")
  local deadline=$((SECONDS + 10))
  until [[ -s "$TMP/$name.ready" ]]; do
    kill -0 "$SY_PID" 2>/dev/null || { cat "$TMP/$name.log" >&2; die "$name exited at start"; }
    ((SECONDS < deadline)) || die "$name not ready within 10 s"
    sleep 0.05
  done
  SY_ADDR="$(cat "$TMP/$name.ready")"
}
STAGES="${STAGES:-1}"
STAGE_YAML="cache: {ttl: 10m, max_bytes: 64MiB}
output_guard: {on_sensitive: redact}"
start_switchyard switchyard 1 "$SWITCHYARD_BINARY" "" "${GATEWAY_ON[@]}"
SY1_PID=$SY_PID SY1_ADDR=$SY_ADDR
if [[ -n "${BASELINE_BINARY:-}" ]]; then
  start_switchyard baseline 1 "$BASELINE_BINARY" "" "${GATEWAY_ON[@]}"
  BASE_ADDR=$SY_ADDR
fi
if [[ "$STAGES" == 1 ]]; then
  start_switchyard sy-guard 1 "$SWITCHYARD_BINARY" "$STAGE_YAML" "${GATEWAY_ON[@]}"
  GUARD_ADDR=$SY_ADDR
fi
if [[ "$THREADS2" == 1 ]]; then
  start_switchyard sy-t2 2 "$SWITCHYARD_BINARY" "" "${BOTH_ON[@]}"
  SY2_PID=$SY_PID SY2_ADDR=$SY_ADDR
fi
AUDIT_ROWS="${AUDIT_ROWS:-0}"
if [[ "$AUDIT_ROWS" == 1 ]]; then
  SY_AUDIT="{enabled: false}" start_switchyard sy-noaudit 1 "$SWITCHYARD_BINARY" "" "${GATEWAY_ON[@]}"
  NOAUDIT_ADDR=$SY_ADDR
  SY_AUDIT="{durable: true}" start_switchyard sy-durable 1 "$SWITCHYARD_BINARY" "" "${GATEWAY_ON[@]}"
  DURABLE_ADDR=$SY_ADDR
fi

# --- nginx as a plain reverse proxy: the floor ------------------------------------------------------
NGINX_PROXY="${NGINX_PROXY:-1}"
if [[ "$NGINX_PROXY" == 1 ]]; then
  NGINX_PROXY_PORT="$(free_port)"
  sed -e "s|@TMP@|$TMP|g" -e "s|@PORT@|$NGINX_PROXY_PORT|g" -e "s|@UPSTREAM@|$NGINX_PORT|g" \
    "$HERE/nginx_proxy.conf.in" > "$TMP/nginx-proxy.conf"
  "${GATEWAY_ON[@]}" nginx -p "$TMP" -c "$TMP/nginx-proxy.conf" -e "$TMP/nginx-proxy-error.log" \
    >"$TMP/nginx-proxy.out" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$NGINX_PROXY_PORT/" 10 "nginx-proxy"
fi

# --- Portkey (Node) -----------------------------------------------------------------------------
# Its start-server.js (the package's bin) takes --port=N (default 8787; it does not read PORT) and
# --headless (no web UI). NODE_ENV=production as one would deploy it. It binds all interfaces
# (@hono/node-server is given no hostname); we only ever connect to 127.0.0.1. Its custom-host
# check trusts 127.0.0.1 by default, so x-portkey-custom-host can point at our nginx.
if [[ "$PORTKEY" == 1 ]]; then
  PORTKEY_PORT="$(free_port)"
  NODE_ENV=production "${GATEWAY_ON[@]}" node "$PORTKEY_JS" --port="$PORTKEY_PORT" --headless \
    >"$TMP/portkey.log" 2>&1 &
  PORTKEY_PID=$!
  PIDS+=("$PORTKEY_PID")
  wait_http "http://127.0.0.1:$PORTKEY_PORT/" 30 "Portkey"
fi

# --- targets ------------------------------------------------------------------------------------
TARGETS=(direct)
[[ -n "${BASELINE_BINARY:-}" ]] && TARGETS+=(baseline)
TARGETS+=(switchyard)
[[ "$STAGES" == 1 ]] && TARGETS+=(sy-guard sy-hit)
[[ "$THREADS2" == 1 ]] && TARGETS+=(sy-t2)
[[ "$AUDIT_ROWS" == 1 ]] && TARGETS+=(sy-noaudit sy-durable)
[[ "$PORTKEY" == 1 ]] && TARGETS+=(portkey)
[[ "$NGINX_PROXY" == 1 ]] && TARGETS+=(nginx-proxy)
url_of() {
  case "$1" in
    direct) echo "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" ;;
    switchyard) echo "http://$SY1_ADDR/v1/chat/completions" ;;
    baseline) echo "http://$BASE_ADDR/v1/chat/completions" ;;
    sy-guard | sy-hit) echo "http://$GUARD_ADDR/v1/chat/completions" ;;
    sy-t2) echo "http://$SY2_ADDR/v1/chat/completions" ;;
    sy-noaudit) echo "http://$NOAUDIT_ADDR/v1/chat/completions" ;;
    sy-durable) echo "http://$DURABLE_ADDR/v1/chat/completions" ;;
    portkey) echo "http://127.0.0.1:$PORTKEY_PORT/v1/chat/completions" ;;
    nginx-proxy) echo "http://127.0.0.1:$NGINX_PROXY_PORT/v1/chat/completions" ;;
  esac
}
headers_of() {  # prints one header per line
  case "$1" in
    switchyard | sy-t2 | baseline | sy-guard | sy-hit | sy-noaudit | sy-durable) echo "Authorization: Bearer $BENCH_KEY" ;;
    portkey)
      echo "x-portkey-provider: openai"
      echo "x-portkey-custom-host: http://127.0.0.1:$NGINX_PORT/v1"
      echo "Authorization: Bearer x" ;;
  esac
}
header_args() {  # -H args for curl and wrk
  local h
  while IFS= read -r h; do [[ -n "$h" ]] && printf '%s\0%s\0' -H "$h"; done < <(headers_of "$1")
}

# sy-hit asks the same at temperature 0, which the cache keeps.
script_of() { if [[ "$1" == sy-hit ]]; then echo "$HERE/chat_post_t0.lua"; else echo "$WRK_SCRIPT"; fi; }

# Sanity: each target answers the benchmark's request with 200 and a chat.completion, so the
# benchmark never times a stream of errors.
for t in "${TARGETS[@]}"; do
  BODY="$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$(script_of "$t")")"
  mapfile -d '' H < <(header_args "$t")
  out="$(curl -s --max-time 5 -w '\n%{http_code}' "${H[@]}" -H 'Content-Type: application/json' \
    --data "$BODY" "$(url_of "$t")" || true)"
  code="${out##*$'\n'}"
  [[ "$code" == 200 && "$out" == *'"chat.completion"'* ]] || die "$t answered $code: ${out%$'\n'*}"
done

SY1_RSS_IDLE="$(rss_kb "$SY1_PID")"
[[ "$THREADS2" == 1 ]] && SY2_RSS_IDLE="$(rss_kb "$SY2_PID")"
[[ "$PORTKEY" == 1 ]] && PORTKEY_RSS_IDLE="$(rss_kb "$PORTKEY_PID")"

# --- wrk runs -----------------------------------------------------------------------------------
to_us() {  # "123.45us" | "1.23ms" | "1.02s" | "2.00m" -> microseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 1 : (u == "ms") ? 1000 : (u == "s") ? 1000000 : (u == "m") ? 60000000 : -1
    if (f < 0) print "?"; else printf "%.1f", n * f }'
}

# A switchyard commits the audit records of the load it just took for a while after (off the
# request path, at idle priority until it falls behind): that work must not land on the next
# target's measurement, so each run waits until its target's audit writer has nothing pending.
settle() {  # target
  local t="$1" addr deadline pending
  case "$t" in
    switchyard) addr=$SY1_ADDR ;; baseline) addr=$BASE_ADDR ;; sy-guard | sy-hit) addr=$GUARD_ADDR ;;
    sy-t2) addr=$SY2_ADDR ;; sy-durable) addr=$DURABLE_ADDR ;; *) return 0 ;;
  esac
  deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    pending="$(curl -s --max-time 2 "http://$addr/metrics" | awk '$1 == "switchyard_audit_pending" {print $2}')"
    if [[ -z "$pending" || "$pending" == 0 ]]; then
      sync  # and what it wrote reaches the disk now, not under the next target's load
      return 0
    fi
    sleep 0.2
  done
  echo "  !! $t still has $pending audit records pending after 60 s" >&2
}

RESULTS="$TMP/results.tsv"   # round target c rps p50 p90 p99 non2xx socket_errors
: > "$RESULTS"
run_wrk() {  # target c duration -> wrk output file path
  local t="$1" c="$2" d="$3" out="$TMP/wrk-$1-c$2-$RANDOM.txt"
  mapfile -d '' H < <(header_args "$t")
  # -t1: one wrk thread is enough at these rates and leaves the load core's budget predictable.
  # timeout: wrk stops by itself after -d, the outer timeout only guards against a hang.
  timeout $((d + 30)) "${LOAD_ON[@]}" wrk -t1 -c"$c" -d"${d}s" --timeout 5s --latency \
    -s "$(script_of "$t")" "${H[@]}" "$(url_of "$t")" >"$out" 2>&1 || true
  settle "$t"
  echo "$out"
}
parse_wrk() {  # file -> "rps p50 p90 p99 non2xx socket_errors"
  local f="$1" rps p50 p90 p99 non2xx sockerr
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$f")"
  p50="$(to_us "$(awk '$1 == "50%" {print $2}' "$f")")"
  p90="$(to_us "$(awk '$1 == "90%" {print $2}' "$f")")"
  p99="$(to_us "$(awk '$1 == "99%" {print $2}' "$f")")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$f")"
  # "Socket errors: connect 0, read 0, write 0, timeout 0" -> their sum
  sockerr="$(awk -F'[ ,]+' '/Socket errors:/ {print $4 + $6 + $8 + $10}' "$f")"
  echo "${rps:-?} ${p50:-?} ${p90:-?} ${p99:-?} ${non2xx:-0} ${sockerr:-0}"
}

echo "gateway overhead: ${DURATION}s per run, warmup ${WARMUP}s, c in {$CONNECTIONS}, $ROUNDS round(s)," \
  "pinning $([[ ${#LOAD_ON[@]} -gt 0 ]] && echo 'on (wrk+nginx: cpu0, gateway: cpu1)' || echo off), $NCPU cpus" >&2

# Warm-up: fills connection pools and lets Node's JIT settle, so the first measured row of a
# target is not its cold start.
if ((WARMUP > 0)); then
  for t in "${TARGETS[@]}"; do run_wrk "$t" 16 "$WARMUP" >/dev/null; done
fi

for round in $(seq "$ROUNDS"); do
  # Each round takes the targets in another order (a shuffle seeded by the round, so runs are
  # repeatable), so no target always follows the same one: the one before leaves work behind (disk
  # writeback, a cooling cache). A rotation would not do: it keeps every target's predecessor.
  mapfile -t ORDER < <(printf '%s\n' "${TARGETS[@]}" |
    shuf --random-source=<(openssl enc -aes-256-ctr -pass "pass:round $round" -nosalt -pbkdf2 </dev/zero 2>/dev/null))
  for c in $CONNECTIONS; do
    for t in "${ORDER[@]}"; do
      echo "  round $round c=$c $t ..." >&2
      f="$(run_wrk "$t" "$c" "$DURATION")"
      read -r rps p50 p90 p99 non2xx sockerr < <(parse_wrk "$f")
      echo "$round $t $c $rps $p50 $p90 $p99 $non2xx $sockerr" >> "$RESULTS"
      if [[ "$rps" == "?" || "$non2xx" != 0 || "$sockerr" != 0 ]]; then
        echo "  !! $t c=$c: non-2xx=$non2xx socket errors=$sockerr; wrk said:" >&2
        sed 's/^/     /' "$f" >&2
      fi
    done
  done
done

SY1_RSS_LOADED="$(rss_kb "$SY1_PID")"
[[ "$THREADS2" == 1 ]] && SY2_RSS_LOADED="$(rss_kb "$SY2_PID")"
[[ "$PORTKEY" == 1 ]] && PORTKEY_RSS_LOADED="$(rss_kb "$PORTKEY_PID")"

# --- report -------------------------------------------------------------------------------------
# Median over rounds of one column (4=rps 5=p50 6=p90 7=p99) for a target and c.
cell() {
  awk -v t="$1" -v c="$2" -v col="$3" '$2 == t && $3 == c && $col != "?" {print $col}' "$RESULTS" |
    sort -g | awk '{v[NR] = $1} END { if (NR == 0) print "?"; else if (NR % 2) print v[(NR + 1) / 2];
                                      else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
sub_() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?") print "?"; else printf "%+.1f", a - b }'; }
div_() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?" || b == 0) print "?"; else printf "%.2fx", a / b }'; }

echo
note=""
((ROUNDS > 1)) && note=" (median of $ROUNDS rounds)"
echo "Latency in microseconds. req/s and percentiles from wrk -t1 --latency, ${DURATION}s per cell${note}."
printf '%-11s %4s %11s %10s %10s %10s %8s %8s\n' target c req/s p50 p90 p99 non-2xx sock-err
for c in $CONNECTIONS; do
  for t in "${TARGETS[@]}"; do
    n2="$(awk -v t="$t" -v c="$c" '$2 == t && $3 == c {s += $8} END {print s + 0}' "$RESULTS")"
    se="$(awk -v t="$t" -v c="$c" '$2 == t && $3 == c {s += $9} END {print s + 0}' "$RESULTS")"
    printf '%-11s %4s %11s %10s %10s %10s %8s %8s\n' "$t" "$c" "$(cell "$t" "$c" 4)" "$(cell "$t" "$c" 5)" \
      "$(cell "$t" "$c" 6)" "$(cell "$t" "$c" 7)" "$n2" "$se"
  done
done

echo
echo "switchyard (threads: 1) against direct nginx and against Portkey:"
printf '%4s %14s %14s %22s\n' c "added p50 us" "added p99 us" "req/s sy/portkey"
for c in $CONNECTIONS; do
  printf '%4s %14s %14s %22s\n' "$c" \
    "$(sub_ "$(cell switchyard "$c" 5)" "$(cell direct "$c" 5)")" \
    "$(sub_ "$(cell switchyard "$c" 7)" "$(cell direct "$c" 7)")" \
    "$(div_ "$(cell switchyard "$c" 4)" "$(cell portkey "$c" 4)")"
done

if [[ "$NGINX_PROXY" == 1 ]]; then
  echo
  echo "nginx as a plain reverse proxy (the floor for one more hop here) against direct nginx, and switchyard against it:"
  printf '%4s %14s %14s %26s %22s\n' c "added p50 us" "added p99 us" "sy added p50 over it us" "req/s sy/nginx-proxy"
  for c in $CONNECTIONS; do
    printf '%4s %14s %14s %26s %22s\n' "$c" \
      "$(sub_ "$(cell nginx-proxy "$c" 5)" "$(cell direct "$c" 5)")" \
      "$(sub_ "$(cell nginx-proxy "$c" 7)" "$(cell direct "$c" 7)")" \
      "$(sub_ "$(cell switchyard "$c" 5)" "$(cell nginx-proxy "$c" 5)")" \
      "$(div_ "$(cell switchyard "$c" 4)" "$(cell nginx-proxy "$c" 4)")"
  done
fi

for row in baseline sy-guard sy-hit; do
  [[ " ${TARGETS[*]} " == *" $row "* ]] || continue
  echo
  echo "$row against direct nginx and against switchyard (threads: 1):"
  printf '%4s %14s %14s %22s\n' c "added p50 us" "added p99 us" "req/s $row/switchyard"
  for c in $CONNECTIONS; do
    printf '%4s %14s %14s %22s\n' "$c" \
      "$(sub_ "$(cell "$row" "$c" 5)" "$(cell direct "$c" 5)")" \
      "$(sub_ "$(cell "$row" "$c" 7)" "$(cell direct "$c" 7)")" \
      "$(div_ "$(cell "$row" "$c" 4)" "$(cell switchyard "$c" 4)")"
  done
done

if [[ "$AUDIT_ROWS" == 1 ]]; then
  echo
  echo "The audit trail's cost (switchyard: durable=${AUDIT_DURABLE:-true}; sy-noaudit: off; sy-durable: durable):"
  printf '%4s %12s %12s %12s %14s %14s %14s\n' c "p50 off" "p50 sy" "p50 durable" "p99 sy/off" "req/s sy/off" "durable/sy"
  for c in $CONNECTIONS; do
    printf '%4s %12s %12s %12s %14s %14s %14s\n' "$c" "$(cell sy-noaudit "$c" 5)" "$(cell switchyard "$c" 5)" \
      "$(cell sy-durable "$c" 5)" "$(div_ "$(cell switchyard "$c" 7)" "$(cell sy-noaudit "$c" 7)")" \
      "$(div_ "$(cell switchyard "$c" 4)" "$(cell sy-noaudit "$c" 4)")" \
      "$(div_ "$(cell sy-durable "$c" 4)" "$(cell switchyard "$c" 4)")"
  done
fi

echo
echo "Memory (VmRSS, KiB)      idle before load   after load"
printf '%-24s %16s %12s\n' "switchyard threads: 1" "$SY1_RSS_IDLE" "$SY1_RSS_LOADED"
[[ "$THREADS2" == 1 ]] && printf '%-24s %16s %12s\n' "switchyard threads: 2" "$SY2_RSS_IDLE" "$SY2_RSS_LOADED"
[[ "$PORTKEY" == 1 ]] && printf '%-24s %16s %12s\n' "portkey (node)" "$PORTKEY_RSS_IDLE" "$PORTKEY_RSS_LOADED"

# switchyard's own view, by status. 499 = the client closed with the request in flight: wrk stops
# each run mid-request on every open connection, so up to c of those per run are expected.
echo
for name in switchyard baseline sy-guard sy-t2 sy-noaudit sy-durable; do
  log="$TMP/$name-access.log"
  [[ -f "$log" ]] || continue
  sleep 0.2  # the access log is written by a background thread
  printf '%s access log: %s\n' "$name" \
    "$(sed -n 's/.*"status":\([0-9]*\).*/\1/p' "$log" | sort | uniq -c | awk '{printf "%s%s x %s", (NR > 1 ? ", " : ""), $1, $2}')"
done
kill -0 "$SY1_PID" 2>/dev/null || echo "!! switchyard (threads: 1) is no longer running" >&2
