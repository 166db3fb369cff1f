#!/usr/bin/env bash
# NATS with JetStream at $NATS_URL (default nats://127.0.0.1:4222).
#
#   infra/nats.sh ensure   use the server that answers; else start `nats-server -js` if installed
#   infra/nats.sh stop     stop the server, only if these scripts started it
#   infra/nats.sh status   say whether it answers
# The JetStream stream itself is created by `node platform/dist/provision.js`.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r NATS_HOST NATS_PORT < <(url_host_port "$NATS_URL" 4222)

cmd_ensure() {
  if port_open "$NATS_HOST" "$NATS_PORT"; then
    log "NATS answers on $NATS_HOST:$NATS_PORT$(is_running nats && echo ' (started by fivestar)')"
    return 0
  fi
  local server
  server="$(command -v nats-server || true)"
  [ -n "$server" ] || [ ! -x /usr/sbin/nats-server ] || server=/usr/sbin/nats-server
  if [ -z "$server" ]; then
    cat >&2 <<MSG
[fivestar] ERROR: nothing answers at $NATS_URL and nats-server is not installed.
  Install it (Debian/Ubuntu):   sudo apt-get install -y nats-server
  or point NATS_URL at a running NATS server with JetStream enabled (nats-server -js), then run this again.
MSG
    exit 1
  fi
  case "$NATS_HOST" in
    127.0.0.1 | localhost | ::1) ;;
    *) die "nothing answers at $NATS_URL, and $NATS_HOST is not this machine: start NATS there (nats-server -js)" ;;
  esac
  mkdir -p "$FIVESTAR_VAR/nats"
  start_bg nats "$server" -js -a "$NATS_HOST" -p "$NATS_PORT" -sd "$FIVESTAR_VAR/nats"
  if ! wait_for_port "$NATS_HOST" "$NATS_PORT" 30; then
    tail_log nats
    die "nats-server did not answer on $NATS_HOST:$NATS_PORT within 30s (log: $(log_file nats))"
  fi
  log "NATS (JetStream, data in $FIVESTAR_VAR/nats) is up on $NATS_HOST:$NATS_PORT"
}

cmd_stop() {
  if is_running nats; then
    stop_bg nats
  else
    rm -f "$(pid_file nats)"
    log "NATS was not started by fivestar; leaving it alone"
  fi
}

cmd_status() {
  if port_open "$NATS_HOST" "$NATS_PORT"; then
    echo "NATS answers on $NATS_HOST:$NATS_PORT$(is_running nats && echo ', started by fivestar')"
  else
    echo "NATS does not answer on $NATS_HOST:$NATS_PORT"
    return 1
  fi
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 ensure|stop|status" >&2
    exit 2
    ;;
esac
