/** Loads the demo county into the directory (idempotent) and announces it to the services. */
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
    const show = (role: string) => demo.users.filter((u) => u.role === role).map((u) => u.username);
    const lines = [
      `演示县：${demo.county.name}（${demo.county.code}）：${demo.townships.length}个乡镇（街道），${demo.branches.length}个支部`,
      `演示账号（密码均为 ${DEMO_PASSWORD}）：`,
      `  县级专班 coordinator:      ${show('coordinator').join(', ')}`,
      `  县级审核 county_reviewer:  ${show('county_reviewer').join(', ')}`,
      `  观摩评分 observer:         ${show('observer').join(', ')}`,
      `  乡镇审核 township_reviewer: ${show('township_reviewer').join(', ')}`,
      `  村支书 village_secretary:  sec-<12位支部代码>，例如 ${show('village_secretary').slice(0, 2).join(', ')}`,
      `  管理员 admin:              ${show('admin').join(', ')}`,
    ];
    const round = await startDemoRound(demo.county.code, `coord-${demo.county.code}`);
    lines.push(`演示轮次：${round}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await nc.close();
    await db.destroy();
  }
});
