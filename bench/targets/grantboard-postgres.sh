#!/usr/bin/env bash
# scenarios: validate refresh code introspect
# Grantboard, one process, PostgreSQL (a scratch database on the local server).
BENCH_DB=postgres exec node "$GRANTBOARD_ROOT/bench/target.mjs"
