#!/usr/bin/env bash
# `npm run down`: stops what `npm run up` started: the services, the worker and the Temporal dev
# server (only if fivestar started it), each with its supervisor (so nothing restarts them). PostgreSQL and NATS are left alone; data stays in
# $FIVESTAR_VAR (delete that folder for a clean slate).
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FIVESTAR_ROOT"

for name in api ranking notifications tasks worker; do
  stop_bg "$name"
done
bash infra/temporal.sh stop
if is_running nats; then
  log "NATS was started by fivestar and is left running (stop it with: bash infra/nats.sh stop)"
fi
log "stopped; data and logs are kept in $FIVESTAR_VAR"
