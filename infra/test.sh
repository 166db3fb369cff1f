#!/usr/bin/env bash
# `npm test` (and .ci/run): the full test suite against the real Temporal dev server, NATS and
# PostgreSQL, then the static checks (typecheck, eslint, prettier).
#   npm test                     everything
#   npm test -- -t 'rework'      extra arguments go to jest (the checks still run afterwards;
#                                FIVESTAR_SKIP_CHECK=1 skips them)
# Provisions what is missing and never restarts what already runs; a Temporal dev server or NATS
# that this script started is stopped again when it ends.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FIVESTAR_ROOT"

# The jest global setup (test/global-setup.ts) picks the test database: TEST_DATABASE_URL when
# set, else a testcontainer when a Docker engine answers, else the default below (created when
# missing). So TEST_DATABASE_URL is passed on only when the caller set it.
TEST_DB_DEFAULT=postgres://postgres@127.0.0.1:5432/fivestar_test

read -r t_host t_port < <(url_host_port "$TEMPORAL_ADDRESS" 7233)
read -r n_host n_port < <(url_host_port "$NATS_URL" 4222)
started_temporal=0
started_nats=0
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$started_temporal" = 1 ]; then bash infra/temporal.sh stop || true; fi
  if [ "$started_nats" = 1 ]; then bash infra/nats.sh stop || true; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started_at=$SECONDS
npm_ci_if_needed
npm_build
ensure_chromium

port_open "$t_host" "$t_port" || started_temporal=1
bash infra/temporal.sh start
port_open "$n_host" "$n_port" || started_nats=1
bash infra/nats.sh ensure
DATABASE_URL="${TEST_DATABASE_URL:-$TEST_DB_DEFAULT}" bash infra/postgres.sh ensure

log "running jest (test database ${TEST_DATABASE_URL:-$TEST_DB_DEFAULT}, Temporal $TEMPORAL_ADDRESS)"
jest_rc=0
mkdir -p "$FIVESTAR_VAR"
results="$FIVESTAR_VAR/jest-results.json"
rm -f "$results"
npx jest --runInBand --json --outputFile "$results" "$@" || jest_rc=$?
if [ -s "$results" ]; then
  # One plain closing line that any CI reader understands.
  node -e 'const r = require(process.argv[1]); console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$results"
fi

check_rc=0
if [ "${FIVESTAR_SKIP_CHECK:-0}" != 1 ]; then
  log "running the static checks (npm run check)"
  npm run check || check_rc=$?
fi

log "tests: $([ "$jest_rc" = 0 ] && echo passed || echo "FAILED (exit $jest_rc)"); checks: $(
  if [ "${FIVESTAR_SKIP_CHECK:-0}" = 1 ]; then echo skipped; elif [ "$check_rc" = 0 ]; then echo passed; else echo "FAILED (exit $check_rc)"; fi
); $((SECONDS - started_at)) s"
if [ "$jest_rc" != 0 ]; then exit "$jest_rc"; fi
exit "$check_rc"
