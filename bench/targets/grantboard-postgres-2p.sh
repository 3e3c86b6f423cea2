#!/usr/bin/env bash
# scenarios: validate refresh code introspect
# Grantboard, two server processes (node:cluster) on one PostgreSQL database, Redis for shared rate limits.
BENCH_DB=postgres BENCH_PROCESSES=2 exec node "$GRANTBOARD_ROOT/bench/target.mjs"
