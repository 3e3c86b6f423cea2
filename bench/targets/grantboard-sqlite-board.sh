#!/usr/bin/env bash
# scenarios: validate
# Grantboard, one process, SQLite: the bearer validated by the REST API on GET /v2/boards/{id}.
BENCH_RESOURCE=board exec node "$GRANTBOARD_ROOT/bench/target.mjs"
