/** Loads the demo county into the directory (idempotent) and announces it to the services. */
import { roleTitle, scopeOf } from '@fivestar/contracts';
import { connectNats, createDb, jetstreamClient, runCli } from '@fivestar/platform';
import { hashPassword } from './identity/sessions';
import { DEMO_PASSWORD, demoCounty } from './directory/demo';
import { loadDirectory } from './directory/events';
import { API_SCHEMA, type ApiDatabase } from './schema';

/**
 * Starts this year's demo round through the running API, as the demo coordinator would, so the
 * system has live work to look at. An existing round is left as it is.
 */
async function startDemoRound(countyCode: string, coordinator: string): Promise<string> {
  const api = `http://127.0.0.1:${process.env.API_PORT ?? 8080}/api`;
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const login = await post('/auth/login', { username: coordinator, password: DEMO_PASSWORD });
  if (!login.ok) throw new Error(`demo coordinator cannot log in: HTTP ${login.status}`);
  const { token } = (await login.json()) as { token: string };
  const year = new Date().getFullYear();
  const roundId = `${countyCode}-${year}`;
  const res = await post(
    '/rounds',
    {
      roundId,
      countyCode,
      year,
      title: `示范县${year}年度“五星”支部创建`,
    },
    token,
  );
  if (res.status !== 201 && res.status !== 409)
    throw new Error(`demo round not started: HTTP ${res.status} ${await res.text()}`);
  return `${roundId}（${res.status === 201 ? '已启动' : '已存在'}）`;
}

runCli('load-demo', async (config, log) => {
  const db = createDb<ApiDatabase>(config.databaseUrl, API_SCHEMA, 2);
  const nc = await connectNats(config.natsUrl, 'fivestar-load-demo');
  try {
    const demo = demoCounty();
    const published = await loadDirectory(db, jetstreamClient(nc), demo, () => hashPassword(DEMO_PASSWORD));
    log.info(
      { county: demo.county.code, branches: demo.branches.length, users: demo.users.length, published },
      'demo county loaded',
    );
    // Accounts by role as held at their level (县级专班, 市级审核人, 省级领导（只读）…), secretaries abridged.
    const byTitle = new Map<string, string[]>();
    for (const u of demo.users) {
      const title = `${roleTitle(u.role, scopeOf(u.jurisdiction))} ${u.role}`;
      byTitle.set(title, [...(byTitle.get(title) ?? []), u.username]);
    }
    const lines = [
      `演示县：${demo.province.name}${demo.city.name}${demo.county.name}（${demo.county.code}）：${demo.townships.length}个乡镇（街道），${demo.branches.length}个支部`,
      `演示账号（密码均为 ${DEMO_PASSWORD}）：`,
      ...[...byTitle].map(([title, names]) =>
        names.length > 6
          ? `  ${title}：${names.slice(0, 2).join(', ')} 等${names.length}个（sec-<12位支部代码>）`
          : `  ${title}：${names.join(', ')}`,
      ),
    ];
    const round = await startDemoRound(demo.county.code, `coord-${demo.county.code}`);
    lines.push(`演示轮次：${round}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await nc.close();
    await db.destroy();
  }
});
