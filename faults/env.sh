# shellcheck shell=bash
# The private instance of `npm run faults` (docs/faults.md): its own data folder, database, NATS,
# Temporal dev server and ports, so that it never meets a system started by `npm run up` or the tests.
# Sourced by faults/faults.sh only; everything below is exported to the suite and, through it, to
# infra/lib.sh's start_bg (faults/ctl.sh). The values are set, not defaulted: a DATABASE_URL or NATS_URL
# left in the caller's shell must not point the suite (which drops its database) at another system.
# FAULTS_* variables may move a port or the PostgreSQL server.

FAULTS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FAULTS_PG="${FAULTS_PG:-postgres://postgres@127.0.0.1:5432}" # server (no database) the private database lives on

export FAULTS_PRIVATE=1
export FIVESTAR_VAR="$FAULTS_ROOT/var/faults"
export DATABASE_URL="$FAULTS_PG/fivestar_faults"
export NATS_URL="nats://127.0.0.1:${FAULTS_NATS_PORT:-14222}"
export TEMPORAL_ADDRESS="127.0.0.1:${FAULTS_TEMPORAL_PORT:-17233}"
export TEMPORAL_UI_PORT="${FAULTS_TEMPORAL_UI_PORT:-18233}"
export TEMPORAL_NAMESPACE=fivestar
export TEMPORAL_TASK_QUEUE=fivestar-cycle
export API_PORT="${FAULTS_API_PORT:-18080}"
export API_HOST=127.0.0.1
# The health listeners of the worker and the read-model services (platform/src/health.ts): ports
# of their own, never the defaults (9401–9404) a system started by `npm run up` listens on.
export WORKER_HEALTH_PORT="${FAULTS_WORKER_HEALTH_PORT:-19401}"
export TASKS_HEALTH_PORT="${FAULTS_TASKS_HEALTH_PORT:-19402}"
export NOTIFICATIONS_HEALTH_PORT="${FAULTS_NOTIFICATIONS_HEALTH_PORT:-19403}"
export RANKING_HEALTH_PORT="${FAULTS_RANKING_HEALTH_PORT:-19404}"
export LOG_LEVEL="${FAULTS_LOG_LEVEL:-info}"
# One signing key for the whole run, so that tokens survive the API's restarts.
JWT_SECRET="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
export JWT_SECRET
# The API without the web console: the suite needs none, and tsc does not build it (npm run build does).
export CONSOLE_DIR=
# Defaults of the product, whatever the caller's shell says.
unset HEALTH_PORT HEALTH_HOST FIVESTAR_REQUEST_BOUND_MS TEST_DATABASE_URL
