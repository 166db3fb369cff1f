#!/usr/bin/env bash
# PostgreSQL at $DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fivestar).
#
#   infra/postgres.sh ensure   check that the server answers; say how to start or install it if not
# The fivestar database is created by `node platform/dist/provision.js`, the schemas by
# each service's migrate.js; the test database by the jest global setup.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r PG_HOST PG_PORT < <(url_host_port "$DATABASE_URL" 5432)

pg_answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    # Reports the server's state; a missing database or a refused login still means "up".
    pg_isready -q -t 3 -d "$DATABASE_URL"
  else
    port_open "$PG_HOST" "$PG_PORT"
  fi
}

cmd_ensure() {
  if wait_until "${POSTGRES_WAIT:-5}" pg_answers; then
    log "PostgreSQL answers on $PG_HOST:$PG_PORT"
    return 0
  fi
  {
    echo "[fivestar] ERROR: PostgreSQL does not answer at $PG_HOST:$PG_PORT (DATABASE_URL=$DATABASE_URL)."
    if ls /etc/postgresql/*/main >/dev/null 2>&1; then
      local v
      v="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n1)"
      echo "  It is installed; start it with:   sudo pg_ctlcluster $v main start"
      echo "  (without systemd: sudo pg_ctlcluster --skip-systemctl-redirect $v main start)"
      echo "  (with systemd: sudo systemctl start postgresql)"
    else
      echo "  Install and start it (Debian/Ubuntu):   sudo apt-get install -y postgresql && sudo pg_ctlcluster \$(ls /etc/postgresql) main start"
    fi
    echo "  fivestar connects as user 'postgres' without a password by default (trust or peer auth on"
    echo "  127.0.0.1); otherwise set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/fivestar."
  } >&2
  exit 1
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  *)
    echo "usage: $0 ensure" >&2
    exit 2
    ;;
esac
