#!/usr/bin/env bash
# Privacy scan throughput, side by side on one core, in one run:
#
#   switchyard, every detector     src/privacy: the values with a shape in one Hyperscan pass with
#                                  C++ validators, plus the context detectors (people with personal
#                                  facts, addresses, labelled numbers, birth dates)
#   switchyard, + line model       every detector, and where they find nothing the line model
#                                  (src/line_model), as the server scans by default
#   line model alone               the model's score of every chunk: its own cost per byte
#   switchyard, shapes only        the same scanner with the context detectors off: what they cost
#   pcre2                          the shape expressions and validators, one PCRE2-JIT regex after
#                                  another (what a regex-per-pattern scanner does)
#
# then the route decision's cost per request (scan of every text field, FAQ match, rules), p50 and
# p99 over prompts of 200 B, 2 KB and 16 KB, with the line model (the default) and without it,
# over a generated corpus (default 64 MiB) of English and Chinese prose with the numbers real text
# is full of (dates, times, amounts, versions, order numbers), one word in CONTEXT_EVERY a name, a
# personal fact, a street type or a label, ~1% of sentences carrying a value with a shape and ~1%
# a context value. Prints MB/s by the wall clock and by thread CPU time (on a shared machine the
# wall clock also counts time other processes had the core), the findings, and the ratios.
#
# Usage: bench/privacy_scan.sh                 (MB=64 CHUNK=16384 REPEAT=3 CONTEXT_EVERY=40)
#        MB=16 REPEAT=1 bench/privacy_scan.sh  (a quick check)
#        CONTEXT_EVERY=12 bench/privacy_scan.sh  (text dense with names and facts: a worst case)
# Env:   MB (corpus size, MiB), CHUNK (bytes per scan() call, cut at line ends), REPEAT (best of N
#        passes for switchyard; PCRE2 runs once), SEED, CONTEXT_EVERY, BUILD_DIR (default
#        build/release), PIN (1 = pin to the last core with taskset, default 1 when available).
# Needs: libhyperscan-dev, libpcre2-dev (scripts/setup), a configured build dir.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"
MB="${MB:-64}"
CHUNK="${CHUNK:-16384}"
REPEAT="${REPEAT:-3}"
SEED="${SEED:-1}"
CONTEXT_EVERY="${CONTEXT_EVERY:-40}"

die() { echo "privacy_scan: $*" >&2; exit 1; }
[[ -f "$BUILD_DIR/build.ninja" || -f "$BUILD_DIR/Makefile" ]] ||
  die "no configured build in $BUILD_DIR (cmake --preset release, or set BUILD_DIR)"

cmake --build "$BUILD_DIR" --target privacy_scan_bench >&2 || die "building privacy_scan_bench failed"
BENCH="$BUILD_DIR/bench/privacy_scan_bench"
[[ -x "$BENCH" ]] || die "no $BENCH (is libpcre2-dev installed? run scripts/setup)"

# One core, the same for both scanners: the numbers are per core.
PIN="${PIN:-$(command -v taskset >/dev/null && echo 1 || echo 0)}"
RUN=()
if [[ "$PIN" == 1 ]]; then RUN=(taskset -c "$(($(nproc) - 1))"); fi

echo "privacy scan, one core${RUN:+ (${RUN[*]})}: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
"${RUN[@]}" "$BENCH" --mb "$MB" --chunk "$CHUNK" --repeat "$REPEAT" --seed "$SEED" --context-every "$CONTEXT_EVERY" \
  --faq "$ROOT/data/faq/faq.jsonl"
