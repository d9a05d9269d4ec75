#!/usr/bin/env bash
# Does the dashboard add anything to the request path? The gateway benchmark (wrk -> switchyard ->
# nginx, as bench/gateway_overhead.sh runs it) against one switchyard, side by side in one run:
#
#   idle      nobody looks at the dashboard
#   ui-open   a headless Chromium holds /ui open on the overview, signed in (/ui/#key=...), polling
#             /metrics every 2 s as an operator's browser would
#   scrape-2s the same polls from curl, without a browser: the server's side of ui-open alone
#
# Both rows are the same server process, measured in alternating rounds (each round in another
# order), so background noise on this shared machine hits both alike. Chromium is started before
# each ui-open cell, seen polling (its /metrics requests in the access log), and stopped after.
# Pinning: the gateway on core 1; wrk, nginx and Chromium on core 0 (so Chromium's rendering, which
# in real life runs on the operator's laptop, competes with the load generator, not the gateway;
# at nice 19, so that it takes the load generator's idle time rather than its turns).
#
# Usage: bench/dashboard_overhead.sh              (DURATION=10 s per cell, ROUNDS=2)
#        DURATION=3 ROUNDS=1 CONNECTIONS="16" bench/dashboard_overhead.sh    (a quick look)
# Env:   DURATION, ROUNDS (median per cell), CONNECTIONS (default "1 16 64"), SWITCHYARD_BINARY,
#        CHROMIUM (default chromium), KEEP_TMP=1 (keep logs).
# Needs: nginx, wrk, curl, chromium, node (for a free port). All traffic is to 127.0.0.1; every
# process started here is stopped by its PID (Chromium by the process group it was started in).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-2}"
CONNECTIONS="${CONNECTIONS:-1 16 64}"
SWITCHYARD_BINARY="${SWITCHYARD_BINARY:-$ROOT/build/release/switchyard}"
CHROMIUM="${CHROMIUM:-chromium}"
BENCH_KEY="sk-bench"
ADMIN_KEY="adm-bench-$$"

die() { echo "dashboard_overhead: $*" >&2; exit 1; }
for tool in nginx wrk node curl "$CHROMIUM"; do command -v "$tool" >/dev/null || die "'$tool' is not installed"; done
[[ -x "$SWITCHYARD_BINARY" ]] || die "no switchyard binary at $SWITCHYARD_BINARY"

if [[ "$(nproc)" -ge 2 ]] && command -v taskset >/dev/null; then
  LOAD_ON=(taskset -c 0) GATEWAY_ON=(taskset -c 1)
else
  LOAD_ON=() GATEWAY_ON=()
fi

# A private $TMP, everything started here ended by PID at exit, free_port, wait_http.
source "$(dirname "$0")/lib/processes.sh"
bench_init dashboard-overhead
CHROME_PID=""
SCRAPER_PID=""
stop_chromium() {
  [[ -n "$CHROME_PID" ]] || return 0
  kill -TERM -- "-$CHROME_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$CHROME_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$CHROME_PID" 2>/dev/null || true
  wait "$CHROME_PID" 2>/dev/null || true
  CHROME_PID=""
}
stop_browsing() {
  stop_chromium
  stop_scraper
}
BENCH_BEFORE_CLEANUP=stop_browsing

# --- nginx, the upstream; switchyard in front of it ---------------------------------------------
NGINX_PORT="$(free_port)"
sed -e "s|@TMP@|$TMP|g" -e "s|@PORT@|$NGINX_PORT|g" "$HERE/nginx_upstream.conf.in" > "$TMP/nginx.conf"
"${LOAD_ON[@]}" nginx -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" >"$TMP/nginx.out" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$NGINX_PORT/" 10 "nginx"

cat > "$TMP/switchyard.yaml" <<YAML
listen: 127.0.0.1:0
threads: 1
drain_timeout: 5s
log: {access: $TMP/access.log}
store: sqlite:$TMP/switchyard.db
audit: {durable: true}
admin_key: $ADMIN_KEY
keys:
  - {name: bench, key: $BENCH_KEY, models: ["*"]}
models:
  - name: bench-model
    provider: openai_compat
    base_url: http://127.0.0.1:$NGINX_PORT/v1
    api_key: sk-upstream
    model: gpt-4o-mini
YAML
"${GATEWAY_ON[@]}" "$SWITCHYARD_BINARY" serve --config "$TMP/switchyard.yaml" --ready-file "$TMP/ready" >"$TMP/switchyard.log" 2>&1 &
SY_PID=$!
PIDS+=("$SY_PID")
deadline=$((SECONDS + 10))
until [[ -s "$TMP/ready" ]]; do
  kill -0 "$SY_PID" 2>/dev/null || { cat "$TMP/switchyard.log" >&2; die "switchyard exited at start"; }
  ((SECONDS < deadline)) || die "switchyard not ready within 10 s"
  sleep 0.05
done
ADDR="$(head -1 "$TMP/ready")"
URL="http://$ADDR/v1/chat/completions"
code="$(curl -s -o /dev/null -w '%{http_code}' "http://$ADDR/ui/")"
[[ "$code" == 200 ]] || die "/ui/ answered $code: this binary has no dashboard built in"

metrics_polls() { grep -c '"path":"/metrics"' "$TMP/access.log" 2>/dev/null || true; }

# Chromium with the overview open, signed in by the fragment; returns once it has polled twice.
start_chromium() {
  local before deadline
  before="$(metrics_polls)"
  setsid "${LOAD_ON[@]}" nice -n 19 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --no-default-browser-check --user-data-dir="$TMP/chrome-profile" \
    "http://$ADDR/ui/#key=$ADMIN_KEY" >>"$TMP/chromium.log" 2>&1 &
  CHROME_PID=$!
  deadline=$((SECONDS + 30))
  while (( $(metrics_polls) < before + 2 )); do
    ((SECONDS < deadline)) || { tail -20 "$TMP/chromium.log" >&2; die "Chromium did not poll /metrics within 30 s"; }
    sleep 0.2
  done
}

# What the overview page asks the server, without the page: /metrics every 2 s.
start_scraper() {
  "${LOAD_ON[@]}" bash -c 'while true; do curl -s --max-time 2 -H "Authorization: Bearer $1" "http://$2/metrics" >/dev/null; sleep 2; done' \
    _ "$ADMIN_KEY" "$ADDR" &
  SCRAPER_PID=$!
}
stop_scraper() {
  [[ -n "$SCRAPER_PID" ]] || return 0
  kill -TERM "$SCRAPER_PID" 2>/dev/null || true
  wait "$SCRAPER_PID" 2>/dev/null || true
  SCRAPER_PID=""
}

# The audit records of one cell are committed after it (durable: each answer waited for its own);
# the next cell starts once none are pending, so it does not pay for the last.
settle() {
  local deadline=$((SECONDS + 60)) pending
  while ((SECONDS < deadline)); do
    pending="$(curl -s --max-time 2 "http://$ADDR/metrics" | awk '$1 == "switchyard_audit_pending" {print $2}')"
    [[ -z "$pending" || "$pending" == 0 ]] && { sync; return 0; }
    sleep 0.2
  done
}

to_us() {
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 1 : (u == "ms") ? 1000 : (u == "s") ? 1000000 : -1
    if (f < 0) print "?"; else printf "%.1f", n * f }'
}

RESULTS="$TMP/results.tsv"  # round target c rps p50 p99 non2xx polls
: > "$RESULTS"
measure() {  # target c round
  local t="$1" c="$2" round="$3" out="$TMP/wrk-$1-c$2-r$3.txt" polls0 polls1
  [[ "$t" == ui-open ]] && start_chromium
  [[ "$t" == scrape-2s ]] && start_scraper
  polls0="$(metrics_polls)"
  timeout $((DURATION + 30)) "${LOAD_ON[@]}" wrk -t1 -c"$c" -d"${DURATION}s" --timeout 5s --latency \
    -s "$HERE/chat_post.lua" -H "Authorization: Bearer $BENCH_KEY" "$URL" >"$out" 2>&1 || true
  polls1="$(metrics_polls)"
  [[ "$t" == ui-open ]] && stop_chromium
  [[ "$t" == scrape-2s ]] && stop_scraper
  settle
  local rps p50 p99 non2xx
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
  p50="$(to_us "$(awk '$1 == "50%" {print $2}' "$out")")"
  p99="$(to_us "$(awk '$1 == "99%" {print $2}' "$out")")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")"
  echo "$round $t $c ${rps:-?} ${p50:-?} ${p99:-?} ${non2xx:-0} $((polls1 - polls0))" >> "$RESULTS"
}

echo "dashboard overhead: ${DURATION}s per cell, c in {$CONNECTIONS}, $ROUNDS round(s)," \
  "pinning $([[ ${#LOAD_ON[@]} -gt 0 ]] && echo 'on (wrk+nginx+chromium: cpu0, switchyard: cpu1)' || echo off)" >&2
timeout 30 "${LOAD_ON[@]}" wrk -t1 -c16 -d2s -s "$HERE/chat_post.lua" -H "Authorization: Bearer $BENCH_KEY" "$URL" >/dev/null 2>&1 || true
settle
for round in $(seq "$ROUNDS"); do
  for c in $CONNECTIONS; do
    # Another order each time, so no row always follows the same one.
    case $(( (round + c) % 3 )) in
      0) order=(idle ui-open scrape-2s) ;; 1) order=(ui-open scrape-2s idle) ;; *) order=(scrape-2s idle ui-open) ;;
    esac
    for t in "${order[@]}"; do
      echo "  round $round c=$c $t ..." >&2
      measure "$t" "$c" "$round"
    done
  done
done

cell() {  # target c column -> median over rounds
  awk -v t="$1" -v c="$2" -v col="$3" '$2 == t && $3 == c && $col != "?" {print $col}' "$RESULTS" | sort -g |
    awk '{v[NR] = $1} END { if (NR == 0) print "?"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
div_() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?" || b == 0) print "?"; else printf "%.3f", a / b }'; }

echo
echo "Latency in microseconds; req/s and percentiles from wrk -t1 --latency, ${DURATION}s per cell (median of $ROUNDS)."
printf '%-9s %4s %11s %10s %10s %8s %14s\n' target c req/s p50 p99 non-2xx "/metrics polls"
for c in $CONNECTIONS; do
  for t in idle ui-open scrape-2s; do
    n2="$(awk -v t="$t" -v c="$c" '$2 == t && $3 == c {s += $7} END {print s + 0}' "$RESULTS")"
    polls="$(awk -v t="$t" -v c="$c" '$2 == t && $3 == c {s += $8} END {print s + 0}' "$RESULTS")"
    printf '%-9s %4s %11s %10s %10s %8s %14s\n' "$t" "$c" "$(cell "$t" "$c" 4)" "$(cell "$t" "$c" 5)" "$(cell "$t" "$c" 6)" "$n2" "$polls"
  done
done
# What one poll costs the server, in CPU time rather than wall time (which this shared machine makes
# noisy): the process's own CPU seconds across 200 /metrics requests, after the load above made
# every series.
cpu_s() { curl -s "http://$ADDR/metrics" | awk '$1 == "process_cpu_seconds_total" {print $2}'; }
cpu0="$(cpu_s)"
for _ in $(seq 200); do curl -s -o /dev/null -H "Authorization: Bearer $ADMIN_KEY" "http://$ADDR/metrics"; done
cpu1="$(cpu_s)"
per_poll_us="$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.0f", (b - a) / 201 * 1e6 }')"
echo
echo "Server CPU per /metrics poll: ${per_poll_us} us (200 polls; /proc counts in 10 ms ticks);" \
  "one poll per 2 s is $(awk -v u="$per_poll_us" 'BEGIN { printf "%.4f", u / 2e6 * 100 }')% of one core."

echo
echo "Against idle (1.000 = the dashboard costs the request path nothing):"
printf '%4s %-10s %10s %10s %10s\n' c row req/s p50 p99
for c in $CONNECTIONS; do
  for t in ui-open scrape-2s; do
    printf '%4s %-10s %10s %10s %10s\n' "$c" "$t" "$(div_ "$(cell "$t" "$c" 4)" "$(cell idle "$c" 4)")" \
      "$(div_ "$(cell "$t" "$c" 5)" "$(cell idle "$c" 5)")" "$(div_ "$(cell "$t" "$c" 6)" "$(cell idle "$c" 6)")"
  done
done
