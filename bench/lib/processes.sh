# What the bench scripts share, sourced after they define die():
#   bench_init NAME   a private folder $TMP (removed at exit unless KEEP_TMP=1), and an exit trap
#                     that ends every process whose PID is in PIDS (TERM, then KILL after 5 s),
#                     after running the function named by BENCH_BEFORE_CLEANUP, if any
#   free_port         a free loopback port (a tiny race until the server binds it: fine here)
#   wait_http URL S WHAT   polls URL until it answers any HTTP status, at most S seconds
PIDS=()
BENCH_BEFORE_CLEANUP=""

bench_cleanup() {
  [[ -n "$BENCH_BEFORE_CLEANUP" ]] && "$BENCH_BEFORE_CLEANUP"
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Give each a few seconds to exit cleanly (switchyard drains, nginx's master stops its worker).
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ "${KEEP_TMP:-0}" == 1 ]]; then echo "logs kept in $TMP" >&2; else rm -rf "$TMP"; fi
}

bench_init() {
  TMP="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
  # nginx's workers drop to 'nobody' when started as root; they must be able to reach the prefix.
  chmod 755 "$TMP"
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

wait_http() {  # url timeout_s what
  local url="$1" deadline=$((SECONDS + $2)) code
  while ((SECONDS < deadline)); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)"
    [[ "$code" =~ ^[1-5][0-9][0-9]$ ]] && return 0
    sleep 0.1
  done
  die "$3 did not answer at $url within $2 s"
}
