#!/usr/bin/env bash
# Temporal for local development and tests: the real Temporal server, run as the CLI's dev server
# with a SQLite file under $FIVESTAR_VAR/temporal, the fivestar namespace, the project's search
# attributes and workflow Updates enabled.
#
#   infra/temporal.sh build    build the CLI v1.5.1 from source into $FIVESTAR_HOME (skip if present)
#   infra/temporal.sh start    start the dev server in the background unless one already answers
#   infra/temporal.sh stop     stop the dev server, only if these scripts started it
#   infra/temporal.sh status   say whether it answers
#   infra/temporal.sh ensure   create the namespace / search attributes on an already running server
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r TEMPORAL_HOST TEMPORAL_PORT < <(url_host_port "$TEMPORAL_ADDRESS" 7233)
TEMPORAL_DATA="$FIVESTAR_VAR/temporal"
START_TIMEOUT="${TEMPORAL_START_TIMEOUT:-120}"

tcli() { "$TEMPORAL_BIN" "$@" --address "$TEMPORAL_ADDRESS" --color never; }

namespace_ready() { tcli operator namespace describe --namespace "$TEMPORAL_NAMESPACE"; }

cmd_build() {
  if [ -x "$TEMPORAL_BIN" ]; then
    log "Temporal CLI present: $TEMPORAL_BIN ($("$TEMPORAL_BIN" --version))"
    return 0
  fi
  command -v go >/dev/null 2>&1 ||
    die "Go is needed to build the Temporal CLI from source, and 'go' is not on PATH (nor in /usr/local/go/bin). Install Go >= 1.25 (https://go.dev/doc/install), or set TEMPORAL_BIN to an existing temporal $TEMPORAL_CLI_VERSION binary."
  local dir tmp
  dir="$(dirname "$TEMPORAL_BIN")"
  mkdir -p "$dir"
  tmp="$(mktemp -d "$dir/.build.XXXXXX")"
  log "building the Temporal CLI v$TEMPORAL_CLI_VERSION from source with $(go version | cut -d' ' -f3) (a few minutes the first time)"
  if ! GOBIN="$tmp" go install \
    -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$TEMPORAL_CLI_VERSION" \
    "github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION"; then
    rm -rf "$tmp"
    die "building the Temporal CLI failed; see docs/running.md ('If the CLI build fails') for building the server from go.temporal.io/server instead."
  fi
  mv -f "$tmp/temporal" "$TEMPORAL_BIN"
  rm -rf "$tmp"
  log "built $TEMPORAL_BIN ($("$TEMPORAL_BIN" --version))"
}

# Creates the namespace and the search attributes when missing (for a server we did not start).
cmd_ensure() {
  [ -x "$TEMPORAL_BIN" ] || cmd_build
  if ! namespace_ready >/dev/null 2>&1; then
    log "creating Temporal namespace $TEMPORAL_NAMESPACE"
    tcli operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention 720h >/dev/null
    wait_until 30 namespace_ready || die "namespace $TEMPORAL_NAMESPACE did not appear"
  fi
  # A new namespace reaches every frontend cache only after a few seconds.
  wait_until 60 tcli operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" ||
    die "cannot list the search attributes of namespace $TEMPORAL_NAMESPACE on $TEMPORAL_ADDRESS"
  local existing sa
  existing="$(tcli operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" -o json)"
  for sa in "${FIVESTAR_SEARCH_ATTRIBUTES[@]}"; do
    grep -q "\"${sa%%=*}\"" <<<"$existing" && continue
    # One per call: CLI 1.5.1 accepts several --name flags but registers only the first.
    log "registering search attribute ${sa%%=*} (${sa#*=})"
    tcli operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "${sa%%=*}" --type "${sa#*=}" >/dev/null
  done
}

cmd_start() {
  cmd_build
  if port_open "$TEMPORAL_HOST" "$TEMPORAL_PORT" && ! is_running temporal; then
    log "a Temporal server already answers on $TEMPORAL_ADDRESS; using it (not started by fivestar)"
    wait_until "$START_TIMEOUT" tcli operator cluster health || die "the server on $TEMPORAL_ADDRESS is not healthy"
    cmd_ensure
    return 0
  fi
  mkdir -p "$TEMPORAL_DATA"
  local args=(
    server start-dev
    --db-filename "$TEMPORAL_DATA/temporal.db"
    --ip "$TEMPORAL_HOST"
    --port "$TEMPORAL_PORT"
    --ui-port "$TEMPORAL_UI_PORT"
    --namespace "$TEMPORAL_NAMESPACE"
    --dynamic-config-value frontend.enableUpdateWorkflowExecution=true
    --dynamic-config-value frontend.enableUpdateWorkflowExecutionAsyncAccepted=true
    --log-level warn
  )
  local sa
  for sa in "${FIVESTAR_SEARCH_ATTRIBUTES[@]}"; do
    args+=(--search-attribute "$sa")
  done
  start_bg temporal "$TEMPORAL_BIN" "${args[@]}"
  log "waiting for Temporal on $TEMPORAL_ADDRESS (namespace $TEMPORAL_NAMESPACE, up to ${START_TIMEOUT}s)"
  local deadline=$((SECONDS + START_TIMEOUT))
  until namespace_ready >/dev/null 2>&1; do
    if ! is_running temporal; then
      tail_log temporal
      die "the Temporal dev server exited during start-up (log: $(log_file temporal))"
    fi
    if ((SECONDS >= deadline)); then
      tail_log temporal
      die "Temporal did not answer within ${START_TIMEOUT}s (log: $(log_file temporal))"
    fi
    sleep 1
  done
  log "Temporal is up: gRPC $TEMPORAL_ADDRESS, Web UI http://$TEMPORAL_HOST:$TEMPORAL_UI_PORT/namespaces/$TEMPORAL_NAMESPACE/workflows"
}

cmd_stop() {
  if is_running temporal; then
    stop_bg temporal 30
  else
    rm -f "$(pid_file temporal)"
    log "Temporal was not started by fivestar; leaving it alone"
  fi
}

cmd_status() {
  if namespace_ready >/dev/null 2>&1; then
    echo "Temporal answers on $TEMPORAL_ADDRESS (namespace $TEMPORAL_NAMESPACE)$(is_running temporal && echo ', started by fivestar (pid '"$(bg_pid temporal)"')')"
  else
    echo "Temporal does not answer on $TEMPORAL_ADDRESS (namespace $TEMPORAL_NAMESPACE)"
    return 1
  fi
}

case "${1:-}" in
  build) cmd_build ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  ensure) cmd_ensure ;;
  *)
    echo "usage: $0 build|start|stop|status|ensure" >&2
    exit 2
    ;;
esac
