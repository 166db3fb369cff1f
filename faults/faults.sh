#!/usr/bin/env bash
# `npm run faults`: the fault-injection suite (docs/faults.md). Builds, then runs faults/main.ts on a
# private instance (faults/env.sh) that it brings up, drives, breaks in turn, checks and tears down.
# Logs and the report stay in var/faults/. Exit 0 only when every check passed.
#   FAULTS_SKIP_BUILD=1   use the compiled output as it is
#   FAULTS_ONLY=a,b       run only these faults (names as in the table: worker, tasks, api, nats, …)
set -euo pipefail
# shellcheck source=faults/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$FAULTS_ROOT"

if [ "${FAULTS_SKIP_BUILD:-0}" != 1 ]; then
  printf '[faults %s] building (npx tsc -b tsconfig.build.json)\n' "$(date +%H:%M:%S)" >&2
  npx tsc -b tsconfig.build.json
fi
exec node_modules/.bin/tsx faults/main.ts "$@"
