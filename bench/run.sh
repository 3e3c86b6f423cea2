#!/usr/bin/env bash
# npm run bench [-- scenario target]: Grantboard beside the peers and the bare Fastify floor, in one run.
#
# Uses the shared side-by-side harness (GRANTBOARD_BENCH_HARNESS, default ../shared/bench from the
# repository root): copies
# it to a scratch folder, adds Grantboard's targets, runs it, and keeps the results in bench/results/.
# Knobs are the harness's (REPS, DURATION, WARMUP, CONNS, MINT_REFRESH, MINT_CODES, …).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
harness=${GRANTBOARD_BENCH_HARNESS:-$root/../shared/bench}
[ -x "$harness/run.sh" ] || { echo "bench: no harness at $harness (set GRANTBOARD_BENCH_HARNESS)" >&2; exit 1; }

(cd "$root" && npm run build --silent)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$harness/." "$work/"
cp "$root"/bench/targets/*.sh "$work/targets/"
[ -d "$work/peers/node_modules" ] || bash "$work/setup.sh" >&2

export GRANTBOARD_ROOT=$root
# Grantboard's client ids are numeric and its scopes are Miro's; the peers accept any.
export CLIENT_ID=${CLIENT_ID:-3458764500000000001} CLIENT_SECRET=${CLIENT_SECRET:-bench-secret-0123456789abcdef}
export SCOPE=${SCOPE:-boards:read}
export MINT_REFRESH=${MINT_REFRESH:-120000} MINT_CODES=${MINT_CODES:-120000}
export RESULTS=$root/bench/results
mkdir -p "$RESULTS"
export RUN_ID=${RUN_ID:-$(date -u +%Y%m%dT%H%M%SZ)}
# The floor is measured on its `hello` scenario: keep it in any run, or there is no ratio.
scenarios=${1:-all}
case ",$scenarios," in *,all,* | *,hello,*) ;; *) scenarios="hello,$scenarios" ;; esac
"$work/run.sh" "$scenarios" "${2:-floor-fastify,node-oauth2-server,oidc-provider,grantboard-sqlite,grantboard-sqlite-board,grantboard-sqlite-2p,grantboard-postgres,grantboard-postgres-board,grantboard-postgres-2p}"

# The harness marks a measurement whose one-shot lines (refresh tokens, codes) ran out before the end
# with tokens_exhausted > 0 in its JSON line; its req/s is then not comparable. Say so plainly.
jq -r --arg run "$RUN_ID" 'select(.run == $run and (.tokens_exhausted // 0) > 0)
  | "bench: \(.target) ran out of minted tokens in \(.scenario) (rep \(.rep), \(.tokens_exhausted) requests had none): its figure is not comparable; re-run with a larger MINT_REFRESH / MINT_CODES"' \
  "$RESULTS/raw.jsonl" >&2

# Cold start on an in-memory database with fixtures, to /readyz (docs/testing.md).
(cd "$root" && node bench/cold-start.mjs) | tee "$RESULTS/cold-start.json"
