#!/usr/bin/env bash
# scenarios: validate refresh code introspect
# Grantboard, one process, embedded SQLite (WAL) in the harness's state folder.
exec node "$GRANTBOARD_ROOT/bench/target.mjs"
