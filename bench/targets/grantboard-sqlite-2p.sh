#!/usr/bin/env bash
# scenarios: validate refresh code introspect
# Grantboard, two server processes (node:cluster) on one SQLite file (WAL), Redis for shared rate limits.
BENCH_PROCESSES=2 exec node "$GRANTBOARD_ROOT/bench/target.mjs"
