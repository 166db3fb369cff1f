#!/usr/bin/env bash
# `npm run reset`: a clean slate for this machine's fivestar — stops it, deletes the runtime folder
# (Temporal's history, logs, evidence files), drops the database and deletes the event stream.
# Workflow and event ids are deterministic (round id + branch code), so all three go together.
set -euo pipefail
# shellcheck source=infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$FIVESTAR_ROOT"

bash infra/down.sh
rm -rf "$FIVESTAR_VAR"
node -e '
const { Pool } = require("pg");
const url = new URL(process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/fivestar");
const name = decodeURIComponent(url.pathname.slice(1));
url.pathname = "/postgres";
const pool = new Pool({ connectionString: url.toString(), max: 1 });
pool.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, "\"\"")}" WITH (FORCE)`)
  .then(() => console.log(`dropped database ${name}`))
  .finally(() => pool.end());
'
node -e '
const { connect } = require("@nats-io/transport-node");
const { jetstreamManager } = require("@nats-io/jetstream");
connect({ servers: process.env.NATS_URL || "nats://127.0.0.1:4222" }).then(async (nc) => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete("FIVESTAR_EVENTS").then(() => console.log("deleted stream FIVESTAR_EVENTS"), () => console.log("no stream to delete"));
  await nc.close();
});
'
log "reset done; bring it up again with: npm run up"
