#!/usr/bin/env bash
# Times `make run` in a checkout until /readyz answers 200 on 127.0.0.1:8080, asks the README's
# first question, then stops the server it started (by its PID) and prints the seconds.
#   bench/make_run_time.sh .                               # warm: everything built and cached
#   git clone . /tmp/cold && bench/make_run_time.sh /tmp/cold CCACHE_DISABLE=1   # a fresh tree
# The log of `make run` is in /tmp/make-run.log.
set -u
dir=$1; shift
cd "$dir"
start=$(date +%s.%N)
env "$@" make run > /tmp/make-run.log 2>&1 &
pid=$!
for i in $(seq 1 3600); do
  if curl -s -m 1 -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/readyz 2>/dev/null | grep -q '200'; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "make run exited"; tail -20 /tmp/make-run.log; exit 1; fi
  sleep 0.5
done
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "ready after %.1f s\n", b - a }'
curl -s http://127.0.0.1:8080/v1/chat/completions -H 'content-type: application/json' -d '{"model":"auto","messages":[{"role":"user","content":"How many vacation days do I get?"}]}' | head -c 400; echo
curl -s http://127.0.0.1:8080/readyz; echo
# make's exec replaced it with the server: its PID is $pid.
kill -TERM $pid; wait $pid 2>/dev/null
