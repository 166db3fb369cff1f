# shellcheck shell=bash
# Shared helpers for the fivestar provisioning scripts. Source it, don't run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Safe under `set -euo pipefail`. Every default can be overridden from the environment.

# --- paths -------------------------------------------------------------------------------------
FIVESTAR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${FIVESTAR_HOME:=${XDG_CACHE_HOME:-$HOME/.cache}/fivestar}" # build cache (Temporal CLI), outside git
: "${FIVESTAR_VAR:=$FIVESTAR_ROOT/var}"                        # data, logs, pid files (gitignored)
export FIVESTAR_ROOT FIVESTAR_HOME FIVESTAR_VAR

# --- service configuration (the same names and defaults as platform/src/config.ts) ----
: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/fivestar}"
: "${NATS_URL:=nats://127.0.0.1:4222}"
: "${TEMPORAL_ADDRESS:=127.0.0.1:7233}"
: "${TEMPORAL_NAMESPACE:=fivestar}"
: "${TEMPORAL_TASK_QUEUE:=fivestar-cycle}"
: "${TEMPORAL_UI_PORT:=8233}"
: "${API_PORT:=8080}"
: "${LOG_LEVEL:=info}"
export DATABASE_URL NATS_URL TEMPORAL_ADDRESS TEMPORAL_NAMESPACE TEMPORAL_TASK_QUEUE TEMPORAL_UI_PORT API_PORT LOG_LEVEL

# --- Temporal CLI (built from source, see infra/temporal.sh) ------------------------------------
TEMPORAL_CLI_VERSION=1.5.1
: "${TEMPORAL_BIN:=$FIVESTAR_HOME/temporal-$TEMPORAL_CLI_VERSION/temporal}"
export TEMPORAL_BIN
# The project's custom search attributes (all Keyword).
# shellcheck disable=SC2034 # used by infra/temporal.sh
# name=type, as contracts/src/workflow/search-attributes.ts defines them.
FIVESTAR_SEARCH_ATTRIBUTES=(FivestarRoundId=Keyword FivestarBranchCode=Keyword FivestarTownshipCode=Keyword FivestarStep=Keyword FivestarProvisionalYears=KeywordList)

# Go is often installed in /usr/local/go without being on PATH.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH="$PATH:/usr/local/go/bin"
  export PATH
fi

# --- logging -----------------------------------------------------------------------------------
log() { printf '[fivestar %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { printf '[fivestar %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf '[fivestar %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2
  exit 1
}

# --- addresses -----------------------------------------------------------------------------------
# url_host_port URL DEFAULT_PORT -> prints "host port" of the first server in a URL such as
# nats://user:pw@host:4222,nats://other:4222 or postgres://user@host:5432/db or host:port.
url_host_port() {
  local rest="${1%%,*}" default_port="$2" host port
  rest="${rest#*://}"
  rest="${rest##*@}"
  rest="${rest%%/*}"
  rest="${rest%%\?*}"
  if [[ "$rest" == \[*\]* ]]; then # [ipv6]:port
    host="${rest%%]*}"
    host="${host#[}"
    port="${rest##*]}"
    port="${port#:}"
  elif [[ "$rest" == *:* ]]; then
    host="${rest%:*}"
    port="${rest##*:}"
  else
    host="$rest"
    port=""
  fi
  printf '%s %s\n' "${host:-127.0.0.1}" "${port:-$default_port}"
}

# port_open HOST PORT -> 0 when a TCP connection succeeds (bash /dev/tcp, 2 s cap).
port_open() {
  # shellcheck disable=SC2016 # $0 and $1 are expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" >/dev/null 2>&1
}

# wait_for_port HOST PORT TIMEOUT_SECONDS -> 0 as soon as the port accepts, 1 after the timeout.
wait_for_port() {
  local host="$1" port="$2" timeout="${3:-30}" deadline
  deadline=$((SECONDS + timeout))
  until port_open "$host" "$port"; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 0.5
  done
}

# wait_until TIMEOUT_SECONDS CMD... -> retries CMD (quietly) every second until it succeeds.
wait_until() {
  local timeout="$1" deadline
  shift
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    sleep 1
  done
}

# --- background processes ------------------------------------------------------------------------
# Each one runs under a supervisor (`supervise`, below) that starts the program again whenever it
# exits, after a backoff. The supervisor has $FIVESTAR_VAR/run/<name>.pid (line 1: its pid, line 2:
# its start time from /proc, so a recycled pid is never mistaken for it) and counts the program's
# exits in $FIVESTAR_VAR/run/<name>.exits; both append to $FIVESTAR_VAR/log/<name>.log. It runs in
# its own session (setsid), so Ctrl-C in the terminal that started it does not stop it; stop_bg
# stops the supervisor and the program, and anything the program spawned.
pid_file() { printf '%s/run/%s.pid\n' "$FIVESTAR_VAR" "$1"; }
exits_file() { printf '%s/run/%s.exits\n' "$FIVESTAR_VAR" "$1"; }
log_file() { printf '%s/log/%s.log\n' "$FIVESTAR_VAR" "$1"; }

# Restart backoff (seconds): the first delay, doubling up to the cap; a run that lasted
# FIVESTAR_RESTART_RESET_AFTER seconds or more starts the doubling again from the first delay.
: "${FIVESTAR_RESTART_DELAY:=1}"
: "${FIVESTAR_RESTART_MAX_DELAY:=30}"
: "${FIVESTAR_RESTART_RESET_AFTER:=60}"
export FIVESTAR_RESTART_DELAY FIVESTAR_RESTART_MAX_DELAY FIVESTAR_RESTART_RESET_AFTER

# Health listeners of the worker and the read-model services (loopback; /health and /ready): the same
# names and defaults as HEALTH_PORTS in platform/src/health.ts. The API answers both on API_PORT.
: "${WORKER_HEALTH_PORT:=9401}"
: "${TASKS_HEALTH_PORT:=9402}"
: "${NOTIFICATIONS_HEALTH_PORT:=9403}"
: "${RANKING_HEALTH_PORT:=9404}"
export WORKER_HEALTH_PORT TASKS_HEALTH_PORT NOTIFICATIONS_HEALTH_PORT RANKING_HEALTH_PORT

# ready_url NAME -> the readiness URL of a fivestar process (nothing for one without, or with its
# listener turned off).
ready_url() {
  local var port
  if [ "$1" = api ]; then
    printf 'http://127.0.0.1:%s/ready\n' "$API_PORT"
    return 0
  fi
  var="$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')_HEALTH_PORT"
  port="${!var:-}"
  [ -n "$port" ] && [ "$port" != off ] || return 0
  printf 'http://127.0.0.1:%s/ready\n' "$port"
}

# proc_start_time PID -> field 22 of /proc/PID/stat (empty where there is no /proc).
proc_start_time() {
  local stat fields
  [ -r "/proc/$1/stat" ] || return 0
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
  stat="${stat##*) }" # the command name may contain spaces and parentheses
  read -r -a fields <<<"$stat"
  printf '%s\n' "${fields[19]:-}"
}

# bg_pid NAME -> prints the pid (of the supervisor) and returns 0 when NAME is running.
bg_pid() {
  local file pid="" started="" now
  file="$(pid_file "$1")"
  [ -f "$file" ] || return 1
  { read -r pid && read -r started; } <"$file" || true
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -n "$started" ]; then
    now="$(proc_start_time "$pid")"
    [ -z "$now" ] || [ "$now" = "$started" ] || return 1
  fi
  [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1 # exited, not yet reaped
  printf '%s\n' "$pid"
}

is_running() { bg_pid "$1" >/dev/null; }

# bg_exits NAME -> how often NAME's program has exited (and been restarted) since start_bg started it.
bg_exits() {
  local n=0
  [ -f "$(exits_file "$1")" ] && read -r n <"$(exits_file "$1")"
  [[ "$n" =~ ^[0-9]+$ ]] || n=0
  printf '%s\n' "$n"
}

# supervise NAME EXITS_FILE CMD... -> runs CMD, and again whenever it exits (whatever its status),
# after FIVESTAR_RESTART_DELAY seconds doubling up to FIVESTAR_RESTART_MAX_DELAY (back to the first
# delay after a run of FIVESTAR_RESTART_RESET_AFTER seconds), counting the exits in EXITS_FILE. On
# SIGTERM (or SIGINT, SIGHUP) it passes SIGTERM on to the program once, waits for it and returns
# without restarting it. start_bg runs it in a bash of its own that sources this file.
supervise() {
  local name="$1" exits_file="$2" child=0 stopping=0 exits=0 rc began ran
  local delay="${FIVESTAR_RESTART_DELAY:-1}" max="${FIVESTAR_RESTART_MAX_DELAY:-30}"
  local reset="${FIVESTAR_RESTART_RESET_AFTER:-60}"
  shift 2
  local sent=0 # the program's SIGTERM goes once: a second one makes a fivestar process exit at once
  trap 'stopping=1; if ((child > 0 && sent == 0)); then sent=1; kill -TERM "$child" 2>/dev/null; fi' TERM INT HUP
  while ((stopping == 0)); do
    began=$SECONDS
    "$@" </dev/null &
    child=$!
    if ((stopping == 1 && sent == 0)); then # a signal came before $! was known
      sent=1
      kill -TERM "$child" 2>/dev/null || true
    fi
    rc=0
    wait "$child" || rc=$?
    # A trapped signal interrupts `wait` (status > 128): wait on until the program has really exited.
    while ((rc > 128)) && kill -0 "$child" 2>/dev/null; do
      rc=0
      wait "$child" || rc=$?
    done
    child=0
    ((stopping == 0)) || break
    ran=$((SECONDS - began))
    ((ran < reset)) || delay="${FIVESTAR_RESTART_DELAY:-1}"
    exits=$((exits + 1))
    printf '%s\n' "$exits" >"$exits_file"
    printf '\n===== %s %s exited (status %s) after %ss; restarting in %ss\n' \
      "$(date -Is)" "$name" "$rc" "$ran" "$delay"
    sleep "$delay" &
    child=$!
    wait "$child" 2>/dev/null || true
    child=0
    delay=$((delay * 2 > max ? max : delay * 2))
    ((stopping == 0)) || break
    printf '===== %s restarting: %s\n' "$(date -Is)" "$*"
  done
  printf '===== %s %s stopped\n' "$(date -Is)" "$name"
}

# start_bg NAME CMD... -> starts CMD under a supervisor in the background (cwd: the repository root)
# unless NAME is already running. Prints nothing on stdout.
start_bg() {
  local name="$1" pidf logf exitsf pid
  shift
  pidf="$(pid_file "$name")"
  logf="$(log_file "$name")"
  exitsf="$(exits_file "$name")"
  mkdir -p "$(dirname "$pidf")" "$(dirname "$logf")"
  if pid="$(bg_pid "$name")"; then
    log "$name already running (pid $pid)"
    return 0
  fi
  printf '\n===== %s starting: %s\n' "$(date -Is)" "$*" >>"$logf"
  printf '0\n' >"$exitsf"
  # The subshell is never a process-group leader, so setsid does not fork: $! is the supervisor's
  # pid, and the supervisor leads the session and process group the program runs in.
  # shellcheck disable=SC2016 # $1 and $@ belong to the inner bash
  (cd "$FIVESTAR_ROOT" && exec setsid bash -c 'source "$1" && shift && supervise "$@"' fivestar-supervisor \
    "$FIVESTAR_ROOT/infra/lib.sh" "$name" "$exitsf" "$@" >>"$logf" 2>&1 </dev/null) &
  pid=$!
  printf '%s\n%s\n' "$pid" "$(proc_start_time "$pid")" >"$pidf"
  log "started $name (pid $pid, log ${logf#"$FIVESTAR_ROOT"/}; restarted whenever it exits)"
}

# stop_bg NAME [TIMEOUT_SECONDS] -> SIGTERM to NAME's supervisor (which passes it on to the program
# once and stops restarting it), SIGKILL to the whole process group after the timeout. Does nothing
# when NAME is not running (i.e. was not started by these scripts).
stop_bg() {
  local name="$1" timeout="${2:-20}" pid pidf deadline
  pidf="$(pid_file "$name")"
  if ! pid="$(bg_pid "$name")"; then
    rm -f "$pidf" "$(exits_file "$name")"
    return 0
  fi
  log "stopping $name (pid $pid)"
  # Only the leader: the program gets exactly one SIGTERM, from the supervisor (a second one makes a
  # fivestar process exit at once). A process started without a supervisor is the program itself.
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while is_running "$name"; do
    if ((SECONDS >= deadline)); then
      warn "$name did not stop within ${timeout}s, killing it"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  # Whatever the program left behind in its process group.
  kill -TERM -- "-$pid" 2>/dev/null || true
  rm -f "$pidf" "$(exits_file "$name")"
}

# tail_log NAME [LINES] -> prints the end of NAME's log to stderr (for failure reports).
tail_log() {
  local logf
  logf="$(log_file "$1")"
  if [ -f "$logf" ]; then
    printf -- '----- last %s lines of %s -----\n' "${2:-40}" "$logf" >&2
    tail -n "${2:-40}" "$logf" >&2
    printf -- '-----\n' >&2
  fi
}

# --- npm -------------------------------------------------------------------------------------------
# npm_ci_if_needed -> runs `npm ci` unless node_modules was installed from exactly this lockfile
# and these package.json files (a content stamp in node_modules/.fivestar-install-stamp).
npm_install_fingerprint() {
  (
    cd "$FIVESTAR_ROOT" || exit 1
    node -v
    find . -name package.json -not -path '*/node_modules/*' -not -path './var/*' | LC_ALL=C sort |
      xargs sha256sum
    sha256sum package-lock.json
  ) | sha256sum | cut -d' ' -f1
}

npm_ci_if_needed() {
  local stamp="$FIVESTAR_ROOT/node_modules/.fivestar-install-stamp" want
  want="$(npm_install_fingerprint)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "node_modules is up to date with package-lock.json"
    return 0
  fi
  log "installing dependencies (npm ci)"
  (cd "$FIVESTAR_ROOT" && npm ci --no-audit --no-fund)
  printf '%s\n' "$want" >"$stamp"
}

npm_build() {
  log "building (npm run build)"
  (cd "$FIVESTAR_ROOT" && npm run --silent build)
}

# --- browser -----------------------------------------------------------------------------------------
# ensure_chromium -> Debian's chromium at $CHROMIUM_PATH (default /usr/bin/chromium) for the console's
# browser tests; installed with apt-get when missing (root, or sudo without a password).
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
ensure_chromium() {
  # A CJK font too, or the screenshots of the Chinese pages show boxes.
  [ -x "$CHROMIUM_PATH" ] && fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk' && return 0
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  log "installing Debian's chromium and a Chinese font for the browser tests (apt-get install chromium fonts-wqy-microhei)"
  if ! "${sudo[@]}" apt-get install -y --no-install-recommends chromium fonts-wqy-microhei >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update >/dev/null 2>&1 || true
    "${sudo[@]}" apt-get install -y --no-install-recommends chromium fonts-wqy-microhei >/dev/null ||
      die "the browser tests need Chromium: run 'sudo apt-get install chromium fonts-wqy-microhei' (or set CHROMIUM_PATH)"
  fi
  [ -x "$CHROMIUM_PATH" ] || die "chromium was installed but $CHROMIUM_PATH is missing; set CHROMIUM_PATH"
}
