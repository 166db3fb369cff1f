#!/usr/bin/env bash
# `npm run up`: brings the whole fivestar system up on this machine, in the background.
#   install dependencies (when the lockfile changed) -> build -> Temporal (built from source once)
#   -> NATS -> PostgreSQL -> database, stream and migrations -> worker + services -> demo county.
# Idempotent: what is already running is left running. `npm run up -- --restart` restarts the
# worker and the services (e.g. after a rebuild). Each runs under a supervisor that starts it again
# when it exits (infra/lib.sh, start_bg). Stop everything with `npm run down`.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FIVESTAR_ROOT"

RESTART=0
for arg in "$@"; do
  case "$arg" in
    --restart) RESTART=1 ;;
    *) die "unknown argument: $arg (usage: npm run up [-- --restart])" ;;
  esac
done

# The long-running processes, in start order (the worker first, the public API last).
PROCESSES=(worker tasks notifications ranking api)
MIGRATED=(api tasks notifications ranking)
entry_point() {
  case "$1" in
    worker) echo workflows/dist/worker.js ;;
    *) echo "services/$1/dist/main.js" ;;
  esac
}

HEALTH_URL="http://127.0.0.1:$API_PORT/health"
http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 3 "$1"
  else
    node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
  fi
}

http_body() {
  if command -v curl >/dev/null 2>&1; then
    curl -sS --max-time 3 "$1" 2>&1 || true
  else
    node -e 'fetch(process.argv[1]).then((r) => r.text()).then(console.log, (e) => console.log(String(e)))' "$1"
  fi
}

started_at=$SECONDS
mkdir -p "$FIVESTAR_VAR/log" "$FIVESTAR_VAR/run"

# The API signs login tokens with JWT_SECRET; keep one per installation so that tokens survive
# a restart of the API.
if [ -z "${JWT_SECRET:-}" ]; then
  if [ ! -s "$FIVESTAR_VAR/jwt-secret" ]; then
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$FIVESTAR_VAR/jwt-secret")
  fi
  JWT_SECRET="$(cat "$FIVESTAR_VAR/jwt-secret")"
fi
export JWT_SECRET
# The demo's group robot (scripts/demo-run.sh) listens on this machine: webhooks may post to loopback on
# this local system only; elsewhere every private target stays refused unless allowed (docs/security.md).
export WEBHOOK_ALLOWED_HOSTS="${WEBHOOK_ALLOWED_HOSTS-127.0.0.1}"

npm_ci_if_needed
npm_build

bash infra/temporal.sh start
bash infra/nats.sh ensure
bash infra/postgres.sh ensure

log "provisioning the database and the JetStream stream"
node platform/dist/provision.js
for svc in "${MIGRATED[@]}"; do
  log "migrating $svc"
  node "services/$svc/dist/migrate.js"
done

if [ "$RESTART" = 1 ]; then
  for ((i = ${#PROCESSES[@]} - 1; i >= 0; i--)); do stop_bg "${PROCESSES[i]}"; done
fi
if ! is_running api && port_open 127.0.0.1 "$API_PORT"; then
  die "port $API_PORT is already taken by another program; stop it or choose another port: API_PORT=8081 npm run up"
fi
# Each runs under a supervisor that restarts it whenever it exits (infra/lib.sh, start_bg).
STARTED=()
declare -A EXITS_BEFORE
for name in "${PROCESSES[@]}"; do
  if is_running "$name"; then
    log "$name already running (pid $(bg_pid "$name"))"
  else
    start_bg "$name" node --enable-source-maps "$(entry_point "$name")"
    STARTED+=("$name")
  fi
  EXITS_BEFORE[$name]="$(bg_exits "$name")"
done

# check_started -> dies when a process stopped or had to be restarted since this run began: a process
# that cannot start would otherwise be restarted forever, so its supervisor is stopped too.
check_started() {
  local name
  for name in "${PROCESSES[@]}"; do
    if ! is_running "$name" || (($(bg_exits "$name") > ${EXITS_BEFORE[$name]})); then
      tail_log "$name"
      stop_bg "$name"
      die "$name exited during start-up (log: $(log_file "$name")); fix it and run npm run up again"
    fi
  done
}

log "waiting for the API at $HEALTH_URL"
deadline=$((SECONDS + ${API_START_TIMEOUT:-90}))
until http_ok "$HEALTH_URL" 2>/dev/null; do
  check_started
  if ((SECONDS >= deadline)); then
    for name in "${PROCESSES[@]}"; do tail_log "$name" 15; done
    die "the API did not answer $HEALTH_URL in time"
  fi
  sleep 1
done

# Then until what this run started says it is ready (/ready: its database, NATS, Temporal).
deadline=$((deadline > SECONDS + 30 ? deadline : SECONDS + 30))
for name in "${STARTED[@]}"; do
  url="$(ready_url "$name")"
  [ -n "$url" ] || continue
  until http_ok "$url" 2>/dev/null; do
    check_started
    if ((SECONDS >= deadline)); then
      warn "$name is running but not ready at $url: $(http_body "$url")"
      break
    fi
    sleep 1
  done
done

log "loading the demo county"
node services/api/dist/load-demo.js | tee "$FIVESTAR_VAR/demo-logins.txt"

read -r t_host _ < <(url_host_port "$TEMPORAL_ADDRESS" 7233)
cat <<MSG

fivestar is up ($((SECONDS - started_at)) s).
  Console       http://127.0.0.1:$API_PORT/   (网页控制台: sign in with a demo login)
  API           http://127.0.0.1:$API_PORT   (health: $HEALTH_URL, readiness: $(ready_url api))
  Readiness     worker $(ready_url worker)  tasks $(ready_url tasks)
                notifications $(ready_url notifications)  ranking $(ready_url ranking)
  Temporal UI   http://$t_host:$TEMPORAL_UI_PORT/namespaces/$TEMPORAL_NAMESPACE/workflows
  Demo logins   printed above, kept in ${FIVESTAR_VAR}/demo-logins.txt (every demo user's password: demo-password-2026)
  Logs          $FIVESTAR_VAR/log/   (e.g. tail -f $FIVESTAR_VAR/log/api.log)
  Restarts      a process that exits is started again (after 1 s, doubling to 30 s); see its log
  Stop          npm run down
MSG
