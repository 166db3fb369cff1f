/**
 * Directory changes on the real stack (issue 12): an import that leaves the county's name out keeps it,
 * renames show in the dry run, and a township or branch renamed by the county's administrator keeps its
 * old name in the history, is audited and reaches the ranking service's copy.
 */
import { DEMO_PASSWORD } from '@fivestar/api';
import { eventually, startStack, withDb, type Stack } from './harness';

const COUNTY = '411099';
const TOWNSHIP = `${COUNTY}200`;
const BRANCH = `${COUNTY}200201`;

let stack: Stack;
let admin: string;

beforeAll(async () => {
  stack = await startStack();
  admin = await signIn(`admin-${COUNTY}`);
});

afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  body: any;
}

async function call(method: string, path: string, token: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${stack.baseUrl}/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function signIn(username: string): Promise<string> {
  const res = await fetch(`${stack.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

const countyName = () =>
  withDb(
    stack,
    'api',
    async (db) => (await db.selectFrom('counties').select('name').executeTakeFirstOrThrow()).name,
  );

const rankingCopy = (code: string) =>
  withDb(stack, 'ranking', (db) =>
    db.selectFrom('branches').selectAll().where('code', '=', code).executeTakeFirst(),
  );

describe('directory import', () => {
  const adminRow = {
    username: `admin-${COUNTY}`,
    name: '示范县系统管理员',
    role: 'admin',
    jurisdiction: COUNTY,
  };

  it('keeps the county name when an import that adds a township leaves it out; the dry run shows no rename', async () => {
    const file = {
      county: { code: COUNTY },
      townships: [{ code: `${COUNTY}300`, name: '新设乡', countyCode: COUNTY }],
      users: [adminRow],
    };
    const dry = await call('POST', '/admin/users/import?dryRun=true', admin, file);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, renamed: [], townships: { created: 1, existing: 0 } });

    const done = await call('POST', '/admin/users/import', admin, file);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ dryRun: false, renamed: [], townships: { created: 1, existing: 0 } });
    expect(await countyName()).toBe('示范县');
    const townships = await call('GET', `/counties/${COUNTY}/townships`, admin);
    expect(townships.body.items).toContainEqual({ code: `${COUNTY}300`, name: '新设乡', branches: 0 });
  });

  it('shows a stated name that differs as a rename in the dry run, and records it when imported', async () => {
    const file = {
      county: { code: COUNTY, name: '示范县（新）' },
      townships: [{ code: `${COUNTY}300`, name: '新设镇', countyCode: COUNTY }],
      users: [adminRow],
    };
    const dry = await call('POST', '/admin/users/import?dryRun=true', admin, file);
    const renamed = [
      { level: 'county', code: COUNTY, from: '示范县', to: '示范县（新）' },
      { level: 'township', code: `${COUNTY}300`, from: '新设乡', to: '新设镇' },
    ];
    expect(dry.body.renamed).toEqual(renamed);
    expect(await countyName()).toBe('示范县');

    const done = await call('POST', '/admin/users/import', admin, file);
    expect(done.body.renamed).toEqual(renamed);
    expect(await countyName()).toBe('示范县（新）');
    const history = await call('GET', `/counties/${COUNTY}/directory-changes`, admin);
    expect(history.body.items.slice(-2)).toMatchObject(
      renamed.map((r) => ({ ...r, kind: 'rename', countyCode: COUNTY, changedBy: `u-admin-${COUNTY}` })),
    );
    // The services hear the county's new name on every branch.
    await eventually(
      () => rankingCopy(BRANCH),
      (b) => b?.county_name === '示范县（新）',
    );
    // Back to the old name: announced again, not taken for a duplicate of the first announcement.
    await call('POST', '/admin/users/import', admin, { ...file, county: { code: COUNTY, name: '示范县' } });
    await eventually(
      () => rankingCopy(BRANCH),
      (b) => b?.county_name === '示范县',
    );
  });
});

describe('renaming a township or a branch', () => {
  it('renames a branch, keeps its old name in the history, audits it and tells the services', async () => {
    const before = (await call('GET', `/counties/${COUNTY}/branches`, admin)).body.items.find(
      (b: { code: string }) => b.code === BRANCH,
    );
    const res = await call('PATCH', `/counties/${COUNTY}/branches/${BRANCH}`, admin, { name: '黄河新村' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: BRANCH,
      name: '黄河新村',
      published: 1,
      change: { level: 'branch', code: BRANCH, kind: 'rename', from: before.name, to: '黄河新村' },
    });
    const after = (await call('GET', `/counties/${COUNTY}/branches`, admin)).body.items;
    expect(after.find((b: { code: string }) => b.code === BRANCH).name).toBe('黄河新村');
    const history = (await call('GET', `/counties/${COUNTY}/directory-changes`, admin)).body.items;
    expect(history.at(-1)).toEqual(res.body.change);
    await eventually(
      () => rankingCopy(BRANCH),
      (b) => b?.name === '黄河新村',
    );

    // The same name again changes nothing and records nothing.
    const again = await call('PATCH', `/counties/${COUNTY}/branches/${BRANCH}`, admin, { name: '黄河新村' });
    expect(again.body).toMatchObject({ change: null, published: 0 });
    expect((await call('GET', `/counties/${COUNTY}/directory-changes`, admin)).body.items).toHaveLength(
      history.length,
    );

    // Audited: the opening entry names the place, its outcome the answer.
    const [opening, outcome] = await withDb(stack, 'api', async (db) => {
      const open = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'PATCH /counties/:countyCode/branches/:code')
        .orderBy('seq')
        .executeTakeFirstOrThrow();
      const done = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('outcome_of', '=', open.seq)
        .executeTakeFirstOrThrow();
      return [open, done];
    });
    expect(opening).toMatchObject({
      target: `counties/${COUNTY}/branches/${BRANCH}`,
      branch_id: BRANCH,
      actor: `u-admin-${COUNTY}`,
    });
    expect(outcome.status).toBe(200);
  });

  it('renames a township: every branch of it carries the new name to the services; a name changed back is heard', async () => {
    const res = await call('PATCH', `/counties/${COUNTY}/townships/${TOWNSHIP}`, admin, { name: '黄河镇' });
    expect(res.status).toBe(200);
    expect(res.body.change).toMatchObject({ level: 'township', from: '黄河乡', to: '黄河镇' });
    expect(res.body.published).toBe(10);
    await eventually(
      () => rankingCopy(`${TOWNSHIP}210`),
      (b) => b?.township_name === '黄河镇',
    );
    await call('PATCH', `/counties/${COUNTY}/townships/${TOWNSHIP}`, admin, { name: '黄河乡' });
    await eventually(
      () => rankingCopy(`${TOWNSHIP}210`),
      (b) => b?.township_name === '黄河乡',
    );
  });

  it('is for the county administrator only, of places of the county, with a name', async () => {
    const reviewer = await signIn(`cty-${COUNTY}-1`);
    const path = `/counties/${COUNTY}/branches/${BRANCH}`;
    expect((await call('PATCH', path, reviewer, { name: '别名' })).status).toBe(403);
    const blank = await call('PATCH', path, admin, { name: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.name']);
    expect(
      (await call('PATCH', `/counties/${COUNTY}/townships/${COUNTY}999`, admin, { name: 'x' })).status,
    ).toBe(404);
    expect((await call('PATCH', `/counties/410100/branches/410100200201`, admin, { name: 'x' })).status).toBe(
      403,
    );
  });
});
