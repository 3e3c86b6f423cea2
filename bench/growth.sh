#!/usr/bin/env bash
# Throughput as the token tables grow: validate and refresh on SQLite with 10 thousand, then
# 1 million live token families besides the ones the run uses (minting a million takes minutes).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for families in ${GROWTH_FAMILIES:-10000 1000000}; do
  BENCH_FAMILIES=$families STARTUP_TIMEOUT=1200 RUN_ID="growth-$families-$(date -u +%Y%m%dT%H%M%SZ)" \
    bash "$root/bench/run.sh" "${1:-validate,refresh}" grantboard-sqlite
done
