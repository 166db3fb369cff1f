#!/usr/bin/env bash
# A real run on the demo county, against the system `npm run up` started: a group robot (a local
# receiver standing in for WeCom) is registered, a short round goes overdue and up the escalation
# ladder, then the ledger is exported, the month's bulletin is built and published, and the robot's
# delivery log is read back. Everything lands in var/demo-run/.
# Webhooks post to this machine only because `npm run up` allows loopback (WEBHOOK_ALLOWED_HOSTS,
# docs/security.md, Webhook targets); a system started otherwise must allow 127.0.0.1 for this run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
API=${API:-http://127.0.0.1:${API_PORT:-8080}/api}
OUT=var/demo-run
ROBOT_PORT=${ROBOT_PORT:-9811}
COUNTY=411099
PERIOD=$(TZ=Asia/Shanghai date +%Y-%m)
ROUND="$COUNTY-demo-run-$(date +%s)"
mkdir -p "$OUT"
rm -f "$OUT"/robot.jsonl

# The robot: answers like WeCom ({"errcode":0}) and keeps every post, one JSON line each.
node -e '
  const fs = require("fs");
  require("http").createServer((req, res) => {
    let body = ""; req.on("data", (c) => (body += c)); req.on("end", () => {
      fs.appendFileSync(process.argv[1], JSON.stringify({ at: new Date().toISOString(), url: req.url, body: JSON.parse(body) }) + "\n");
      res.setHeader("content-type", "application/json"); res.end("{\"errcode\":0,\"errmsg\":\"ok\"}");
    });
  }).listen(Number(process.argv[2]), "127.0.0.1");
' "$OUT/robot.jsonl" "$ROBOT_PORT" &
ROBOT=$!
trap 'kill $ROBOT 2>/dev/null || true' EXIT

json() { node -pe "const v = JSON.parse(require('fs').readFileSync(0)); $1"; }
login() {
  curl -sf -XPOST "$API/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"demo-password-2026\"}" | json 'v.token'
}
call() { # call TOKEN METHOD PATH [BODY]
  curl -sS -X "$2" "$API$3" -H "authorization: Bearer $1" -H 'content-type: application/json' ${4:+-d "$4"}
}
ADMIN=$(login admin-$COUNTY)
COORD=$(login coord-$COUNTY)

echo "1. 管理员登记县级群机器人 (WeCom) → http://127.0.0.1:$ROBOT_PORT"
call "$ADMIN" POST /admin/webhooks "{\"id\":\"demo-run-robot\",\"jurisdiction\":\"$COUNTY\",\"kind\":\"wecom\",\"url\":\"http://127.0.0.1:$ROBOT_PORT/cgi-bin/webhook/send?key=demo\"}" >"$OUT/webhook.json"
if json '(v.errors ?? []).some((e) => e.field === "body.url")' <"$OUT/webhook.json" | grep -q true; then
  json 'v.detail' <"$OUT/webhook.json" >&2
  echo "The local robot (127.0.0.1) must be allowed: WEBHOOK_ALLOWED_HOSTS=127.0.0.1 npm run up -- --restart" >&2
  exit 1
fi
json 'JSON.stringify(v)' <"$OUT/webhook.json"

echo "2. 县级专班启动短周期轮次 $ROUND（自评 20 秒，逾期后 0/5/10 秒蓝黄红督办）"
S='{"seconds":600}'
SCHEDULE="{\"steps\":{\"SELF_CHECK\":{\"seconds\":20},\"TOWNSHIP_REVIEW\":$S,\"COUNTY_PRE_REVIEW\":$S,\"ON_SITE_OBSERVATION\":$S,\"AWARD\":$S},
  \"rectification\":$S,\"reminderBefore\":{\"seconds\":5},\"urgeIntervalSeconds\":3600,\"unsignedPolicy\":{\"SELF_CHECK\":\"wait\"},
  \"escalation\":[{\"level\":\"blue\",\"after\":{\"seconds\":0},\"notify\":{\"role\":\"township_reviewer\",\"scope\":\"township\"}},
    {\"level\":\"yellow\",\"after\":{\"seconds\":5},\"notify\":{\"role\":\"coordinator\",\"scope\":\"county\"}},
    {\"level\":\"red\",\"after\":{\"seconds\":10},\"notify\":{\"role\":\"county_reviewer\",\"scope\":\"county\"}}],
  \"observation\":{\"rule\":\"mean\",\"quorum\":2,\"outlierPoints\":3},\"publicNotice\":$S,
  \"revocation\":{\"proposeAtLastRung\":true},\"award\":{\"capstoneRequiresAllOthers\":true}}"
call "$COORD" POST /rounds "{\"roundId\":\"$ROUND\",\"countyCode\":\"$COUNTY\",\"year\":$(date +%Y),\"title\":\"演示：逾期与督办\",\"schedule\":$SCHEDULE}" |
  json 'v.roundId + " started"'

echo "3. 等待全部 30 个支部自评逾期并升到红色督办"
for _ in $(seq 1 60); do
  RED=$(call "$COORD" GET "/ledger?roundId=$ROUND" | json 'v.rows.filter((r) => r.escalationLevel === "red").length')
  [ "$RED" -ge 30 ] && break
  sleep 2
done
echo "   红色督办：$RED 条"

echo "4. 台账导出（县级，CSV 与 Excel）"
curl -sSf "$API/ledger?roundId=$ROUND&format=csv" -H "authorization: Bearer $COORD" -o "$OUT/ledger.csv"
curl -sSf "$API/ledger?roundId=$ROUND&format=xlsx" -H "authorization: Bearer $COORD" -o "$OUT/ledger.xlsx"
echo "   $OUT/ledger.csv ($(wc -l <"$OUT/ledger.csv") 行), $OUT/ledger.xlsx ($(wc -c <"$OUT/ledger.xlsx") 字节)"

echo "5. 月度排名快照与通报 $PERIOD（HTML、Excel），发布"
call "$COORD" POST /bulletins/snapshot "{\"countyCode\":\"$COUNTY\",\"roundId\":\"$ROUND\",\"period\":\"$PERIOD\"}" >/dev/null
curl -sSf "$API/bulletins/$COUNTY/$PERIOD?format=html" -H "authorization: Bearer $COORD" -o "$OUT/bulletin.html"
curl -sSf "$API/bulletins/$COUNTY/$PERIOD?format=xlsx" -H "authorization: Bearer $COORD" -o "$OUT/bulletin.xlsx"
call "$COORD" GET "/bulletins/$COUNTY/$PERIOD" > "$OUT/bulletin.json"
json '`   逾期 ${v.overdue.length} 项，督办 ${v.escalated.length} 项`' <"$OUT/bulletin.json"
call "$COORD" POST "/bulletins/$COUNTY/$PERIOD/publish" | json '"   published " + v.eventId + (v.duplicate ? " (already)" : "")'

echo "6. 群机器人投递记录"
for _ in $(seq 1 30); do
  call "$ADMIN" GET "/admin/deliveries?limit=500" > "$OUT/deliveries.json"
  PENDING=$(json 'v.items.filter((d) => d.webhookId === "demo-run-robot" && d.status !== "sent").length' <"$OUT/deliveries.json")
  BULLETIN=$(json 'v.items.filter((d) => d.webhookId === "demo-run-robot" && d.eventId.startsWith("bulletin/")).length' <"$OUT/deliveries.json")
  [ "$PENDING" = 0 ] && [ "$BULLETIN" -ge 1 ] && break
  sleep 2
done
json 'const mine = v.items.filter((d) => d.webhookId === "demo-run-robot");
  const by = {}; for (const d of mine) by[d.status] = (by[d.status] ?? 0) + 1;
  "   投递 " + mine.length + " 条：" + JSON.stringify(by)' <"$OUT/deliveries.json"
echo "   机器人收到 $(wc -l <"$OUT/robot.jsonl") 条消息（$OUT/robot.jsonl），通报那条："
grep -m1 '通报' "$OUT/robot.jsonl" | json 'v.body.markdown.content' | head -5
