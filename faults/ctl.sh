#!/usr/bin/env bash
# The suite's hands on its private instance (docs/faults.md), through infra/lib.sh and the infra scripts
# exactly as `npm run up` uses them, with the private environment of faults/env.sh. Run by faults/main.ts;
# it refuses to run without that environment, so it can never act on a system `npm run up` started.
#
#   ctl.sh infra              Temporal dev server, NATS (nats-server -js), PostgreSQL check
#   ctl.sh provision          database, JetStream stream, every service's migrations
#   ctl.sh start NAME         start_bg one process (worker tasks notifications ranking api)
#   ctl.sh start-all          start_bg all five, the worker first, the API last
#   ctl.sh stop NAME          stop_bg one process
#   ctl.sh load-demo          the demo county (and its demo round) through the API
#   ctl.sh nats start|stop    infra/nats.sh ensure|stop
#   ctl.sh temporal start|stop
#   ctl.sh down               stop the processes, Temporal and NATS (only what these scripts started)
set -euo pipefail
if [ "${FAULTS_PRIVATE:-}" != 1 ] || [[ "${FIVESTAR_VAR:-}" != */var/faults ]]; then
  echo "faults/ctl.sh: run it through 'npm run faults' (the private environment is missing)" >&2
  exit 2
fi
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../infra/lib.sh"
cd "$FIVESTAR_ROOT"

PROCESSES=(worker tasks notifications ranking api)
entry_point() {
  case "$1" in
    worker) echo workflows/dist/worker.js ;;
    tasks | notifications | ranking | api) echo "services/$1/dist/main.js" ;;
    *) die "unknown process: $1" ;;
  esac
}

case "${1:-}" in
  infra)
    mkdir -p "$FIVESTAR_VAR/log" "$FIVESTAR_VAR/run"
    bash infra/temporal.sh start
    bash infra/nats.sh ensure
    bash infra/postgres.sh ensure
    ;;
  provision)
    node platform/dist/provision.js
    for svc in api tasks notifications ranking; do
      log "migrating $svc"
      node "services/$svc/dist/migrate.js"
    done
    ;;
  start) start_bg "$2" node --enable-source-maps "$(entry_point "$2")" ;;
  start-all)
    for name in "${PROCESSES[@]}"; do
      start_bg "$name" node --enable-source-maps "$(entry_point "$name")"
    done
    ;;
  stop) stop_bg "$2" ;;
  load-demo) node services/api/dist/load-demo.js >"$FIVESTAR_VAR/demo-logins.txt" ;;
  nats)
    case "${2:-}" in
      start) bash infra/nats.sh ensure ;;
      stop) bash infra/nats.sh stop ;;
      *) die "usage: ctl.sh nats start|stop" ;;
    esac
    ;;
  temporal)
    case "${2:-}" in
      start) bash infra/temporal.sh start ;;
      stop) bash infra/temporal.sh stop ;;
      *) die "usage: ctl.sh temporal start|stop" ;;
    esac
    ;;
  down)
    for ((i = ${#PROCESSES[@]} - 1; i >= 0; i--)); do stop_bg "${PROCESSES[i]}"; done
    if is_running temporal; then bash infra/temporal.sh stop; fi
    if is_running nats; then bash infra/nats.sh stop; fi
    ;;
  *)
    echo "usage: $0 infra|provision|start NAME|start-all|stop NAME|load-demo|nats start|stop|temporal start|stop|down" >&2
    exit 2
    ;;
esac
