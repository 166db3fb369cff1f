/**
 * Catalog versions over real HTTP and PostgreSQL (database `fivestar_test_api_catalogs`): the API service
 * alone, on a freshly migrated `api` schema with the demo county, its own Temporal task queue (no worker:
 * a started round only has to be recorded, never run) and no directory endpoint on NATS.
 * Import (JSON and .xlsx; dry run, stored, unchanged, conflict, precise errors, admin only), export
 * round trip, the template, and round start pinning the latest stored versions.
 */
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import { Catalog, DEFAULT_CATALOGS, defaultCatalogFor } from '@fivestar/contracts';
import { seedDefaultCatalogs, type ApiDatabase } from '@fivestar/api';
import { catalogToWorkbook } from '../services/api/src/catalogs';
import { startTestApi, type Caller, type TestApi } from './api-support';
import { testEnv } from './support';

const env = testEnv('api_catalogs');
const COUNTY = '411099';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let api: TestApi;
let db: Kysely<ApiDatabase>;
let connection: Connection;
let temporal: Client;
const workflows: string[] = [];

let admin: Caller, coordinator: Caller, secretary: Caller;

beforeAll(async () => {
  api = await startTestApi(env, COUNTY);
  db = api.db;
  const { config } = env.serviceOptions;
  connection = await Connection.connect({ address: config.temporalAddress });
  temporal = new Client({ connection, namespace: config.temporalNamespace });
  [admin, coordinator, secretary] = await Promise.all([
    api.signIn(`admin-${COUNTY}`),
    api.signIn(`coord-${COUNTY}`),
    api.signIn(`sec-${COUNTY}100201`),
  ]);
});

afterAll(async () => {
  for (const id of workflows) {
    await temporal?.workflow
      .getHandle(id)
      .terminate('test finished')
      .catch(() => undefined);
  }
  await connection?.close();
  await api?.close();
});

const rural = defaultCatalogFor('rural')!;
/** A county's own rural catalog: the default with another id, wording and version. */
const county = (version: number, edit: (c: any) => void = () => undefined): Catalog => {
  const c = structuredClone(rural) as any;
  c.id = `rural-${COUNTY}`;
  c.version = version;
  c.title = `示范县农村“五星”支部创建标准（第${version}版）`;
  c.example = false;
  edit(c);
  return c;
};

describe('reading catalogs', () => {
  it('seeds the four defaults once and lets anyone signed in read them', async () => {
    const list = await secretary.get('/catalogs');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(
      DEFAULT_CATALOGS.map((c) => ({
        id: c.id,
        branchType: c.branchType,
        inForce: true,
        latest: expect.objectContaining({ version: 1, example: true, title: c.title, createdBy: 'system' }),
        versions: [expect.objectContaining({ version: 1 })],
      })),
    );
    // Seeding again (every API start, every migrate) stores nothing; stored versions cannot change.
    expect(await seedDefaultCatalogs(db)).toEqual([]);
    expect(await db.selectFrom('catalogs').select('id').execute()).toHaveLength(4);
    await expect(sql`UPDATE catalogs SET title = 'x'`.execute(db)).rejects.toThrow(/immutable/);
    await expect(sql`DELETE FROM catalogs`.execute(db)).rejects.toThrow(/immutable/);

    const one = await secretary.get('/catalogs/rural-default/1');
    expect(one.status).toBe(200);
    expect(one.body).toEqual(rural);
    expect((await secretary.get('/catalogs/rural-default/9')).status).toBe(404);
    const bad = await secretary.get('/catalogs/Rural/x');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['path.id', 'path.version']);
    expect((await fetch(`http://127.0.0.1:${api.port}/api/catalogs`)).status).toBe(401);
  });

  it('exports JSON and .xlsx files that import back as the very same version', async () => {
    const json = await secretary.get('/catalogs/urban-default/1/export?format=json');
    expect(json.status).toBe(200);
    expect(json.type).toContain('application/json');
    expect(json.headers.get('content-disposition')).toBe('attachment; filename=urban-default.v1.json');
    expect(json.body).toEqual(defaultCatalogFor('urban'));
    expect((await secretary.get('/catalogs/urban-default/1/export')).bytes).toEqual(json.bytes);

    const xlsx = await secretary.get('/catalogs/urban-default/1/export?format=xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.type).toBe(XLSX);
    expect(xlsx.headers.get('content-disposition')).toBe('attachment; filename=urban-default.v1.xlsx');
    expect(xlsx.bytes.subarray(0, 2).toString()).toBe('PK');

    for (const [bytes, type] of [
      [json.bytes, 'application/json'],
      [xlsx.bytes, XLSX],
    ] as const) {
      const dry = await admin.post('/catalogs/import?dryRun=true', bytes, type);
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ dryRun: true, outcome: 'unchanged', id: 'urban-default', version: 1 });
      expect(dry.body.catalog).toEqual(defaultCatalogFor('urban'));
      const again = await admin.post('/catalogs/import', bytes, type);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: 'urban-default', version: 1, status: 'unchanged' });
    }
    expect((await secretary.get('/catalogs/urban-default/1/export?format=csv')).body.errors).toEqual([
      expect.objectContaining({ field: 'query.format' }),
    ]);
  });

  it('serves the blank Excel template per branch type', async () => {
    const t = await secretary.get('/catalogs/template?branchType=organ');
    expect(t.status).toBe(200);
    expect(t.type).toBe(XLSX);
    expect(t.headers.get('content-disposition')).toBe('attachment; filename=catalog-template-organ.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(t.bytes as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', '星级', '任务']);
    const bad = await secretary.get('/catalogs/template?branchType=village');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'query.branchType' })]);
  });
});

describe('importing catalogs', () => {
  it('is for administrators only, and reads nothing before that is checked', async () => {
    for (const who of [coordinator, secretary]) {
      const r = await who.post('/catalogs/import', county(1));
      expect(r.status).toBe(403);
      expect(r.type).toContain('application/problem+json');
    }
    expect((await admin.get('/catalogs/rural-411099/1')).status).toBe(404);
  });

  it('validates a dry run without storing it', async () => {
    const dry = await admin.post('/catalogs/import?dryRun=true', county(1));
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, outcome: 'created', id: 'rural-411099', version: 1 });
    expect(dry.body.catalog).toEqual(county(1));
    expect((await admin.get('/catalogs/rural-411099/1')).status).toBe(404);
  });

  it('answers every error precisely: JSON paths, and cells of a workbook', async () => {
    const json = await admin.post(
      '/catalogs/import?dryRun=true',
      county(1, (c) => {
        c.stars[0].tasks[0].points = 0;
        delete c.stars[1].name;
        c.stars[2].tasks[0].veto = [];
      }),
    );
    expect(json.status).toBe(400);
    expect(json.type).toContain('application/problem+json');
    expect(json.body.errors).toEqual([
      { field: 'stars[2].tasks[0].veto', message: expect.stringContaining('未知字段“veto”') },
      { field: 'stars[0].tasks[0].points', message: '分值必须是1到100之间的整数' },
      { field: 'stars[1].name', message: '缺少星级名称（字段 name）' },
    ]);
    const syntax = await admin.post('/catalogs/import', '{\n  "id": "x",\n  oops\n}', 'application/json');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors).toEqual([{ field: '', message: expect.stringMatching(/第3行第3列/) }]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await catalogToWorkbook(county(1))) as any);
    wb.getWorksheet('任务')!.getCell('D2').value = 0;
    wb.getWorksheet('任务')!.getCell('A3').value = 'industy';
    const bad = Buffer.from(await wb.xlsx.writeBuffer());
    const cells = await admin.post('/catalogs/import', bad, XLSX);
    expect(cells.status).toBe(400);
    expect(cells.body.errors).toEqual([
      { field: '任务!D2', message: '分值必须是1到100之间的整数' },
      { field: '任务!A3', message: '星级代码“industy”不在“星级”表中' },
    ]);
    const empty = await admin.post('/catalogs/import', Buffer.alloc(0), 'application/json');
    expect(empty.status).toBe(400);
  });

  it('stores a new version, repeats an identical import harmlessly, refuses a changed one', async () => {
    const created = await admin.post('/catalogs/import', county(1));
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: 'rural-411099',
      version: 1,
      status: 'created',
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(created.headers.get('location')).toBe('/api/catalogs/rural-411099/1');
    expect((await secretary.get('/catalogs/rural-411099/1')).body).toEqual(county(1));

    const again = await admin.post('/catalogs/import', county(1));
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...created.body, status: 'unchanged' });

    const changed = county(1, (c) => (c.stars[0].tasks[0].points = 9));
    const dry = await admin.post('/catalogs/import?dryRun=true', changed);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      outcome: 'conflict',
      message: expect.stringContaining('请将版本号改为2'),
    });
    const refused = await admin.post('/catalogs/import', changed);
    expect(refused.status).toBe(409);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body.detail).toContain('第1版已存在且内容不同');
    expect((await secretary.get('/catalogs/rural-411099/1')).body).toEqual(county(1));
  });

  it('imports an Excel workbook as the next version', async () => {
    const v2 = county(2, (c) => (c.stars[0].tasks[0].title = '村集体经济年收入达到30万元以上'));
    const file = await catalogToWorkbook(v2);
    const dry = await admin.post('/catalogs/import?dryRun=true', file, XLSX);
    expect(dry.body).toMatchObject({ outcome: 'created', version: 2 });
    expect(dry.body.catalog).toEqual(v2);
    const stored = await admin.post('/catalogs/import', file, XLSX);
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ id: 'rural-411099', version: 2, status: 'created' });
    expect((await admin.post('/catalogs/import', file, XLSX)).status).toBe(200);
    // Versions never go backwards.
    const lower = await admin.post(
      '/catalogs/import',
      county(1, (c) => (c.title = '改过的第1版')),
    );
    expect(lower.status).toBe(409);

    const list = (await secretary.get('/catalogs')).body.items as any[];
    const mine = list.find((c) => c.id === 'rural-411099');
    expect(mine).toMatchObject({ branchType: 'rural', inForce: true, latest: { version: 2 } });
    expect(mine.versions.map((v: any) => v.version)).toEqual([2, 1]);
    expect(mine.latest.createdBy).toBe(`u-admin-${COUNTY}`);
    expect(list.find((c) => c.id === 'rural-default').inForce).toBe(false);
  });

  it('stores a version once when two imports race', async () => {
    const organ = { ...defaultCatalogFor('organ')!, id: `organ-${COUNTY}`, example: false };
    const answers = await Promise.all([1, 2, 3].map(() => admin.post('/catalogs/import', organ)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
  });

  it('refuses bodies that are too large or of another type', async () => {
    const big = await admin.post(
      '/catalogs/import',
      Buffer.alloc(5 * 1024 * 1024 + 1, 0x20),
      'application/json',
    );
    expect(big.status).toBe(413);
    expect(big.type).toContain('application/problem+json');
    expect(big.body.errors).toEqual([{ field: 'body', message: expect.stringContaining('5 MB') }]);
    const csv = await admin.post('/catalogs/import', 'a,b\n1,2\n', 'text/csv');
    expect(csv.status).toBe(415);
    expect(csv.body.errors).toEqual([expect.objectContaining({ field: 'header.content-type' })]);
  });
});

describe('rounds pin the catalogs in force', () => {
  const start = async (roundId: string) => {
    const r = await coordinator.post('/rounds', { roundId, countyCode: COUNTY, year: 2026, title: roundId });
    expect(r.status).toBe(201);
    workflows.push(r.body.workflowId);
    return r.body;
  };
  /** The catalogs the round workflow was started with (its first history event). */
  const workflowCatalogs = async (workflowId: string): Promise<Catalog[]> => {
    const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
    const payload = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    return (defaultPayloadConverter.fromPayload(payload) as { catalogs: Catalog[] }).catalogs;
  };
  const pinnedRow = async (roundId: string) =>
    (
      await db
        .selectFrom('rounds')
        .select('catalogs')
        .where('round_id', '=', roundId)
        .executeTakeFirstOrThrow()
    ).catalogs;

  it('pins the latest stored version per branch type, and later imports change no running round', async () => {
    const first = `cat-${env.run}-a`;
    const a = await start(first);
    const expected = [
      { id: 'rural-411099', version: 2 },
      { id: 'urban-default', version: 1 },
      { id: 'organ-411099', version: 1 },
      { id: 'enterprise-default', version: 1 },
    ];
    expect(a.catalogs).toEqual(expected);
    expect(await pinnedRow(first)).toEqual(expected);
    const pinned = await workflowCatalogs(a.workflowId);
    expect(pinned.map((c) => ({ id: c.id, version: c.version }))).toEqual(expected);
    expect(pinned[0]).toEqual((await secretary.get('/catalogs/rural-411099/2')).body);

    // A third version, imported while the first round runs: only rounds started later pin it.
    expect((await admin.post('/catalogs/import', county(3))).status).toBe(201);
    const second = `cat-${env.run}-b`;
    const b = await start(second);
    expect(b.catalogs[0]).toEqual({ id: 'rural-411099', version: 3 });
    expect(await pinnedRow(first)).toEqual(expected);
    expect((await workflowCatalogs(a.workflowId))[0]!.version).toBe(2);
  });
});
