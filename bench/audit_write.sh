#!/usr/bin/env bash
# Audit write throughput, side by side in one run:
#
#   group commit   src/ops/audit_log: one writer thread; every record queued while a transaction
#                  commits goes into the next one
#   per record     the naive way: one transaction (durable: one fsync) per record
#
# both sealing the same records into the same hash chain, on SQLite (a file under $TMPDIR) and on
# PostgreSQL 15 (a throwaway local server the bench starts, fsync on), durable and non-durable,
# with 1, 8 and 64 producers that each wait for their record's commit (how the gateway
# acknowledges a request), plus a fire-and-forget run. Prints a markdown table and the ratio.
#
# Usage: bench/audit_write.sh                  (DURATION=3 seconds per cell; about 2 minutes)
#        DURATION=1 bench/audit_write.sh       (a quick check)
# Env:   DURATION, PRODUCERS (default 1,8,64), FIRE_PRODUCERS (8), BACKENDS (sqlite,postgres),
#        BUILD_DIR (default build/release), SWITCHYARD_PG_BIN (PostgreSQL binaries; default
#        /usr/lib/postgresql/15/bin).
# Needs: a configured build dir (cmake --preset release); postgresql-15 for the PostgreSQL rows.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build/release}"
DURATION="${DURATION:-3}"
PRODUCERS="${PRODUCERS:-1,8,64}"
FIRE_PRODUCERS="${FIRE_PRODUCERS:-8}"
BACKENDS="${BACKENDS:-sqlite,postgres}"

die() { echo "audit_write: $*" >&2; exit 1; }
[[ -f "$BUILD_DIR/build.ninja" || -f "$BUILD_DIR/Makefile" ]] ||
  die "no configured build in $BUILD_DIR (cmake --preset release, or set BUILD_DIR)"

cmake --build "$BUILD_DIR" --target audit_write_bench >&2 || die "building audit_write_bench failed"
BENCH="$BUILD_DIR/bench/audit_write_bench"
[[ -x "$BENCH" ]] || die "no $BENCH"

echo "audit writes on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "temporary files on: $(df -P "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $1}')"
"$BENCH" --duration "$DURATION" --producers "$PRODUCERS" --fire-producers "$FIRE_PRODUCERS" --backends "$BACKENDS"
