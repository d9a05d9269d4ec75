#!/usr/bin/env bash
# Replicas and Redis, side by side in one run:
#
#   1 local            wrk -> switchyard (per-process limits)          -> nginx (fake OpenAI)
#   1 redis            wrk -> switchyard (redis: limits shared)        -> nginx
#   lb 1 redis         wrk -> nginx (load balancer) -> 1 switchyard (redis:) -> nginx
#   lb 2 redis         wrk -> nginx (load balancer) -> 2 switchyards (redis:) -> nginx
#
# The key has a requests_per_minute limit far above the load and a monthly budget, so every request
# reserves and settles (with redis: two Lua scripts, a round trip each; the settlement is not
# awaited). Rows 1 and 2 at the same load give the Redis round trip added to p50/p99; rows 3 and 4
# the throughput of two replicas over one. Every replica has `threads: 1`; nothing is pinned: wrk,
# both nginx, Redis and the replicas share this machine's cores, as they would on one host, so the
# ratio says how far one machine's cores go, not how a second machine would scale.
#
# Usage: bench/replicas_redis.sh   (DURATION=10 s per measurement, CONNECTIONS="1 16")
# Needs: nginx, wrk, redis-server, curl. All traffic on 127.0.0.1; everything started here is
# stopped by PID on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
CONNECTIONS="${CONNECTIONS:-1 16}"
SWITCHYARD_BINARY="${SWITCHYARD_BINARY:-$ROOT/build/release/switchyard}"
KEY="sk-bench"

die() { echo "replicas_redis: $*" >&2; exit 1; }
for tool in nginx wrk redis-server curl; do command -v "$tool" >/dev/null || die "'$tool' is not installed (scripts/setup)"; done
[[ -x "$SWITCHYARD_BINARY" ]] || die "no switchyard binary at $SWITCHYARD_BINARY"

# A private $TMP, everything started here ended by PID at exit, free_port, wait_http.
source "$(dirname "$0")/lib/processes.sh"
bench_init replicas-redis

# --- the fake OpenAI (nginx, fixed answer) and Redis ------------------------------------------
UP_PORT="$(free_port)"
mkdir -p "$TMP/up"
sed -e "s|@TMP@|$TMP/up|g" -e "s|@PORT@|$UP_PORT|g" "$HERE/nginx_upstream.conf.in" > "$TMP/up/nginx.conf"
nginx -p "$TMP/up" -c "$TMP/up/nginx.conf" -e "$TMP/up/error.log" >"$TMP/up/out.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$UP_PORT/" 10 "the upstream nginx"

REDIS_PORT="$(free_port)"
mkdir -p "$TMP/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP/redis" \
  --logfile "$TMP/redis/redis.log" --daemonize no &
PIDS+=($!)
for _ in $(seq 100); do [[ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] && break; sleep 0.05; done

# --- replicas -----------------------------------------------------------------------------------
start_switchyard() {  # name extra-yaml; sets SY_ADDR
  local name="$1" extra="$2"
  cat > "$TMP/$name.yaml" <<YAML
listen: 127.0.0.1:0
threads: 1
drain_timeout: 5s
log: {access: off}
store: sqlite:$TMP/$name.db
audit: {durable: false}
prices: $ROOT/data/prices.yaml
keys:
  - {name: bench, key: $KEY, limits: {requests_per_minute: 1000000000, usd_per_month: 1000000}}
models:
  - {name: bench-model, provider: openai, base_url: "http://127.0.0.1:$UP_PORT/v1", api_key: sk-up, model: gpt-4o-mini}
$extra
YAML
  "$SWITCHYARD_BINARY" serve --config "$TMP/$name.yaml" --ready-file "$TMP/$name.ready" >"$TMP/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  local deadline=$((SECONDS + 15))
  until [[ -s "$TMP/$name.ready" ]]; do
    kill -0 "$pid" 2>/dev/null || { cat "$TMP/$name.log" >&2; die "$name exited at start"; }
    ((SECONDS < deadline)) || die "$name not ready within 15 s"
    sleep 0.05
  done
  SY_ADDR="$(head -1 "$TMP/$name.ready")"
}
REDIS_YAML="redis: redis://127.0.0.1:$REDIS_PORT/0"
start_switchyard local ""
LOCAL_ADDR=$SY_ADDR
start_switchyard redis-a "$REDIS_YAML"
REDIS_A=$SY_ADDR
start_switchyard redis-b "$REDIS_YAML"
REDIS_B=$SY_ADDR

# --- nginx as the load balancer: one with replica a alone, one with a and b ---------------------
start_lb() {  # name upstream-addrs...; sets LB_PORT
  local name="$1"; shift
  local port; port="$(free_port)"
  mkdir -p "$TMP/$name"
  {
    echo "daemon off; worker_processes 1; pid $TMP/$name/nginx.pid; error_log $TMP/$name/error.log warn;"
    echo "events { worker_connections 4096; }"
    echo "http { access_log off; keepalive_requests 1000000;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $TMP/$name/$t;"; done
    echo "  upstream switchyard {"
    for a in "$@"; do echo "    server $a;"; done
    echo "    keepalive 64; }"
    echo "  server { listen 127.0.0.1:$port; location / { proxy_pass http://switchyard; proxy_http_version 1.1;"
    echo "    proxy_set_header Connection \"\"; proxy_buffering off; } } }"
  } > "$TMP/$name/nginx.conf"
  nginx -p "$TMP/$name" -c "$TMP/$name/nginx.conf" -e "$TMP/$name/error.log" >"$TMP/$name/out.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$port/healthz" 10 "$name"
  LB_PORT=$port
}
start_lb lb1 "$REDIS_A"
LB1="127.0.0.1:$LB_PORT"
start_lb lb2 "$REDIS_A" "$REDIS_B"
LB2="127.0.0.1:$LB_PORT"

ROWS=("1 local" "1 redis" "lb 1 redis" "lb 2 redis")
addr_of() {
  case "$1" in
    "1 local") echo "$LOCAL_ADDR" ;; "1 redis") echo "$REDIS_A" ;; "lb 1 redis") echo "$LB1" ;; "lb 2 redis") echo "$LB2" ;;
  esac
}
BODY="$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" "$HERE/chat_post.lua")"
for r in "${ROWS[@]}"; do
  out="$(curl -s --max-time 5 -w '\n%{http_code}' -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    --data "$BODY" "http://$(addr_of "$r")/v1/chat/completions" || true)"
  [[ "${out##*$'\n'}" == 200 ]] || die "'$r' answered ${out##*$'\n'}: ${out%$'\n'*}"
done

to_us() {
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 1 : (u == "ms") ? 1000 : (u == "s") ? 1000000 : -1
    if (f < 0) print "?"; else printf "%.0f", n * f }'
}
run() {  # row c duration -> "rps p50_us p99_us non2xx"
  local f="$TMP/wrk.out"
  timeout $(($3 + 30)) wrk -t1 -c"$2" -d"$3s" --timeout 5s --latency -s "$HERE/chat_post.lua" \
    -H "Authorization: Bearer $KEY" "http://$(addr_of "$1")/v1/chat/completions" >"$f" 2>&1 || true
  local rps p50 p99 non2xx
  rps="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$f")"
  p50="$(to_us "$(awk '$1 == "50%" {print $2}' "$f")")"
  p99="$(to_us "$(awk '$1 == "99%" {print $2}' "$f")")"
  non2xx="$(awk '/Non-2xx/ {print $NF}' "$f")"
  echo "${rps:-0} ${p50:-?} ${p99:-?} ${non2xx:-0}"
}

echo "switchyard replicas and Redis, $(nproc) cores, ${DURATION}s per cell, $(date -u +%FT%TZ)"
for r in "${ROWS[@]}"; do run "$r" 16 "$WARMUP" >/dev/null; done
declare -A RPS P50 P99
for c in $CONNECTIONS; do
  for r in "${ROWS[@]}"; do
    read -r rps p50 p99 non2xx < <(run "$r" "$c" "$DURATION")
    RPS["$r/$c"]=$rps P50["$r/$c"]=$p50 P99["$r/$c"]=$p99
    [[ "$non2xx" == 0 ]] || echo "  !! $r c=$c: $non2xx non-2xx answers" >&2
  done
done
printf '\n%-12s %6s %10s %10s %10s\n' row c "req/s" "p50 us" "p99 us"
for c in $CONNECTIONS; do
  for r in "${ROWS[@]}"; do printf '%-12s %6s %10s %10s %10s\n' "$r" "$c" "${RPS[$r/$c]}" "${P50[$r/$c]}" "${P99[$r/$c]}"; done
done
echo
for c in $CONNECTIONS; do
  awk -v c="$c" -v a="${P50["1 local/$c"]}" -v b="${P50["1 redis/$c"]}" -v x="${P99["1 local/$c"]}" -v y="${P99["1 redis/$c"]}" \
    'BEGIN { printf "Redis added at c=%s: p50 %+d us, p99 %+d us (1 redis vs 1 local)\n", c, b - a, y - x }'
  awk -v c="$c" -v one="${RPS["lb 1 redis/$c"]}" -v two="${RPS["lb 2 redis/$c"]}" \
    'BEGIN { if (one > 0) printf "2 replicas / 1 replica through nginx at c=%s: %.2fx (%d vs %d req/s)\n", c, two / one, two, one }'
done
redis_ops="$(redis-cli -p "$REDIS_PORT" info stats | awk -F: '/^total_commands_processed/ {print $2}' | tr -d '\r')"
echo "Redis processed $redis_ops commands in all."
