/**
 * Evidence files (佐证材料) over real HTTP and PostgreSQL (database `fivestar_test_api_evidence`): the API
 * service alone, on a freshly migrated `api` schema with the demo county and a round recorded in it, its
 * files in a temporary folder. Upload limits and rights, de-duplication, listing, download scoping, and
 * the self-check's check that cited files were uploaded.
 */
import { readdir } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { defaultCatalogFor } from '@fivestar/contracts';
import { missingEvidenceUploads, type ApiDatabase } from '@fivestar/api';
import { catalogToWorkbook } from '../services/api/src/catalogs';
import { sha256Of } from '../services/api/src/evidence';
import { startTestApi, type Caller, type TestApi } from './api-support';
import { testEnv } from './support';

const env = testEnv('api_evidence');
const COUNTY = '411099';
const TOWNSHIP = '411099100';
const BRANCH = '411099100201';
const NEIGHBOUR = '411099100202'; // same township
const FAR = '411099200201'; // another township
const ROUND = `ev-${env.run}`;

let api: TestApi;
let db: Kysely<ApiDatabase>;

let secretary: Caller, neighbourSecretary: Caller, farSecretary: Caller;
let township: Caller, farTownship: Caller, countyReviewer: Caller, anonymous: Caller;

beforeAll(async () => {
  api = await startTestApi(env, COUNTY, async (fresh) => {
    // The round as its start records it (the upload routes need the round row, not its workflow).
    await fresh
      .insertInto('rounds')
      .values({
        round_id: ROUND,
        county_code: COUNTY,
        year: 2026,
        title: '佐证材料测试',
        workflow_id: `round/${ROUND}`,
        started_by: `u-coord-${COUNTY}`,
      })
      .execute();
  });
  db = api.db;
  [secretary, neighbourSecretary, farSecretary, township, farTownship, countyReviewer, anonymous] =
    await Promise.all([
      api.signIn(`sec-${BRANCH}`),
      api.signIn(`sec-${NEIGHBOUR}`),
      api.signIn(`sec-${FAR}`),
      api.signIn(`twp-${TOWNSHIP}-1`),
      api.signIn('twp-411099200-1'),
      api.signIn(`cty-${COUNTY}-1`),
      api.signIn(),
    ]);
});

afterAll(async () => {
  await api?.close();
});

/** Files in the store's folder (no temporary files left behind either). */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(api.evidenceDir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

const upload = (who: Caller, branch: string, filename: string, bytes: Buffer, type?: string) =>
  who.post(
    `/rounds/${ROUND}/branches/${branch}/evidence?filename=${encodeURIComponent(filename)}`,
    bytes,
    type,
  );

const png = (salt: string) =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(salt)]);
const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
const photo = png(`党员活动室照片-${env.run}`);

describe('uploading evidence', () => {
  it('stores a file of the branch and answers its sha256, size and kind', async () => {
    const r = await upload(secretary, BRANCH, '党员活动室.png', photo, 'image/png');
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      sha256: sha256Of(photo),
      size: photo.length,
      kind: 'image',
      contentType: 'image/png',
      filename: '党员活动室.png',
    });
    const ledger = await upload(secretary, BRANCH, '收支台账.pdf', pdf); // no declared type: the content decides
    expect(ledger.status).toBe(201);
    expect(ledger.body).toMatchObject({ kind: 'pdf', contentType: 'application/pdf' });
    const sheet = await catalogToWorkbook(defaultCatalogFor('rural')!);
    const xlsx = await upload(secretary, BRANCH, '台账.xlsx', sheet, 'application/octet-stream');
    expect(xlsx.status).toBe(201);
    expect(xlsx.body.kind).toBe('spreadsheet');
  });

  it('stores the same bytes once, however often and by whom they are uploaded', async () => {
    const before = await storedFiles();
    const again = await upload(secretary, BRANCH, '党员活动室.png', photo);
    expect(again.status).toBe(200); // the same file under the same name: already recorded
    expect(again.body.sha256).toBe(sha256Of(photo));
    expect((await upload(secretary, BRANCH, '活动室（另存）.png', photo)).status).toBe(201);
    expect((await upload(neighbourSecretary, NEIGHBOUR, '照片.png', photo)).status).toBe(201);
    expect(await storedFiles()).toEqual(before);
    expect(before.filter((f) => f === sha256Of(photo))).toHaveLength(1);
    const rows = await db
      .selectFrom('evidence')
      .select('branch_code')
      .where('sha256', '=', sha256Of(photo))
      .execute();
    expect(rows.map((r) => r.branch_code).sort()).toEqual([BRANCH, BRANCH, NEIGHBOUR]);
  });

  it('refuses a file over 20 MB with 413 naming the body', async () => {
    const big = Buffer.concat([png('big'), Buffer.alloc(20 * 1024 * 1024)]);
    const r = await upload(secretary, BRANCH, '太大.png', big, 'image/png');
    expect(r.status).toBe(413);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.errors).toEqual([{ field: 'body', message: expect.stringContaining('20 MB') }]);
  });

  it('refuses other types with 415, told by content and by the declared type', async () => {
    const html = await upload(secretary, BRANCH, 'a.png', Buffer.from('<html><script>x</script></html>'));
    expect(html.status).toBe(415);
    expect(html.type).toContain('application/problem+json');
    expect(html.body.errors).toEqual([{ field: 'body', message: expect.stringContaining('仅接受') }]);
    const declared = await upload(secretary, BRANCH, 'a.html', photo, 'text/html');
    expect(declared.status).toBe(415);
    expect(declared.body.errors).toEqual([expect.objectContaining({ field: 'header.content-type' })]);
    const lying = await upload(secretary, BRANCH, 'a.jpg', photo, 'image/jpeg');
    expect(lying.status).toBe(415);
    expect(lying.body.errors).toEqual([
      { field: 'header.content-type', message: '声明的类型 image/jpeg 与文件内容（PNG图片）不符' },
    ]);
  });

  it('refuses a missing name or an empty file with 400 naming the field', async () => {
    const noName = await secretary.post(`/rounds/${ROUND}/branches/${BRANCH}/evidence`, photo);
    expect(noName.status).toBe(400);
    expect(noName.body.errors).toEqual([expect.objectContaining({ field: 'query.filename' })]);
    const slash = await upload(secretary, BRANCH, '../etc/passwd', photo);
    expect(slash.body.errors).toEqual([expect.objectContaining({ field: 'query.filename' })]);
    const empty = await upload(secretary, BRANCH, 'empty.png', Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it("is the branch's own secretary's to do (403 for anyone else), in a round that holds it", async () => {
    for (const who of [township, countyReviewer, neighbourSecretary, farSecretary]) {
      const r = await upload(who, BRANCH, 'x.png', png('x'));
      expect(r.status).toBe(403);
      expect(r.type).toContain('application/problem+json');
    }
    expect((await upload(anonymous, BRANCH, 'x.png', png('x'))).status).toBe(401);
    const noRound = await secretary.post(
      `/rounds/no-such-round/branches/${BRANCH}/evidence?filename=x.png`,
      png('x'),
    );
    expect(noRound.status).toBe(404);
    expect(await storedFiles()).not.toContain(sha256Of(png('x')));
  });
});

describe('reading evidence', () => {
  it('lists the uploads of a branch for anyone whose jurisdiction holds it', async () => {
    const mine = await secretary.get(`/rounds/${ROUND}/branches/${BRANCH}/evidence`);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((i: any) => [i.filename, i.kind])).toEqual([
      ['党员活动室.png', 'image'],
      ['收支台账.pdf', 'pdf'],
      ['台账.xlsx', 'spreadsheet'],
      ['活动室（另存）.png', 'image'],
    ]);
    expect(mine.body.items[0]).toEqual({
      sha256: sha256Of(photo),
      filename: '党员活动室.png',
      size: photo.length,
      kind: 'image',
      contentType: 'image/png',
      uploadedBy: `u-sec-${BRANCH}`,
      uploadedAt: expect.any(String),
    });
    expect((await township.get(`/rounds/${ROUND}/branches/${BRANCH}/evidence`)).body).toEqual(mine.body);
    expect((await countyReviewer.get(`/rounds/${ROUND}/branches/${BRANCH}/evidence`)).status).toBe(200);
    for (const who of [farTownship, neighbourSecretary]) {
      expect((await who.get(`/rounds/${ROUND}/branches/${BRANCH}/evidence`)).status).toBe(403);
    }
  });

  it('downloads a file for those whose jurisdiction holds a branch that uploaded it', async () => {
    const ledger = sha256Of(pdf);
    const r = await township.get(`/evidence/${ledger}`);
    expect(r.status).toBe(200);
    expect(r.bytes.equals(pdf)).toBe(true);
    expect(r.type).toBe('application/pdf');
    expect(r.headers.get('content-length')).toBe(String(pdf.length));
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('收支台账.pdf')}`,
    );
    expect((await secretary.get(`/evidence/${ledger}`)).status).toBe(200);

    const other = await farTownship.get(`/evidence/${ledger}`);
    expect(other.status).toBe(403);
    expect(other.type).toContain('application/problem+json');
    expect((await neighbourSecretary.get(`/evidence/${ledger}`)).status).toBe(403);
    // The photo was uploaded by the neighbour too: its secretary may fetch it.
    expect((await neighbourSecretary.get(`/evidence/${sha256Of(photo)}`)).status).toBe(200);
    expect((await township.get(`/evidence/${'0'.repeat(64)}`)).status).toBe(404);
    const bad = await township.get('/evidence/not-a-hash');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'path.sha256' })]);
  });
});

describe('a self-check cites only files the branch uploaded in the round', () => {
  it('finds what was not uploaded by this branch in this round', async () => {
    const mine = sha256Of(photo);
    const ledger = sha256Of(pdf);
    const stranger = '1'.repeat(64);
    expect(await missingEvidenceUploads(db, ROUND, BRANCH, [])).toEqual([]);
    expect(await missingEvidenceUploads(db, ROUND, BRANCH, [mine, ledger, mine])).toEqual([]);
    expect(await missingEvidenceUploads(db, ROUND, BRANCH, [stranger, mine, stranger])).toEqual([stranger]);
    expect(await missingEvidenceUploads(db, ROUND, NEIGHBOUR, [mine, ledger])).toEqual([ledger]);
    expect(await missingEvidenceUploads(db, 'other-round', BRANCH, [mine])).toEqual([mine]);
  });

  it('refuses the submission naming each cited file that was not uploaded', async () => {
    const cite = (sha256: string, i: number) => ({
      requirement: `R-IND-1-E${i + 1}`,
      sha256,
      filename: `f${i}`,
    });
    const body = (...shas: string[]) => ({ scores: {}, targetStars: ['industry'], evidence: shas.map(cite) });
    const url = `/rounds/${ROUND}/branches/${BRANCH}/self-check`;
    const refused = await secretary.post(url, body(sha256Of(photo), sha256Of(png('never')), sha256Of(pdf)));
    expect(refused.status).toBe(400);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([
      { field: 'body.evidence.1.sha256', message: expect.stringContaining('没有上传过该文件') },
    ]);
    // The neighbour's upload does not count for this branch.
    const theirs = await neighbourSecretary.post(
      `/rounds/${ROUND}/branches/${NEIGHBOUR}/self-check`,
      body(sha256Of(pdf)),
    );
    expect(theirs.body.errors).toEqual([expect.objectContaining({ field: 'body.evidence.0.sha256' })]);
    // Files it did upload pass the check and go on to the workflow (which this test never started).
    const passed = await secretary.post(url, body(sha256Of(photo), sha256Of(pdf)));
    expect(passed.status).toBe(404);
    expect(passed.body.detail).toBe('流程不存在');
  });
});
