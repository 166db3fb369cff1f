/**
 * Rectification evidence over HTTP on the whole stack: a submission cites files by sha256, and only the
 * branch's own uploads in this round; the files stay with their submission in the finding's state, which
 * the verifier reads. A weak branch's 整顿 (F0) opens with the round, so no cycle needs running first.
 */
import { ApiUser, eventually, startStack, type Stack } from './harness';
import { quietSchedule } from './round-schedules';

const COUNTY = '411099';
const TOWNSHIP = '411099200';
/** The demo county's weak village: its 整顿 F0 opens at once. */
const WEAK = '411099200210';
const NEIGHBOUR = '411099200201';
/** A tiny valid PNG (1×1), which the API sniffs as an image. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n% 整改方案\n%%EOF\n');

let stack: Stack;
let roundId: string;
let secretary: ApiUser, reviewer: ApiUser;
const url = (code = WEAK) => `/api/rounds/${roundId}/branches/${code}`;
const finding = () => `${url()}/findings/F0`;

async function upload(user: ApiUser, code: string, filename: string, bytes: Buffer, type: string) {
  const r = await user.upload(`${url(code)}/evidence?filename=${encodeURIComponent(filename)}`, bytes, type);
  // 201 the first time, 200 for the same file again.
  expect([200, 201]).toContain(r.status);
  return { sha256: r.body.sha256 as string, filename };
}

beforeAll(async () => {
  stack = await startStack();
  roundId = `rectify-files-${stack.runId}`;
  const coordinator = await ApiUser.login(stack.baseUrl, `coord-${COUNTY}`);
  const started = await coordinator.post('/api/rounds', {
    roundId,
    countyCode: COUNTY,
    year: 2026,
    title: '整改材料',
    townshipCodes: [TOWNSHIP],
    schedule: quietSchedule(1800),
  });
  expect(started.status).toBe(201);
  [secretary, reviewer] = await Promise.all([
    ApiUser.login(stack.baseUrl, `sec-${WEAK}`),
    ApiUser.login(stack.baseUrl, `twp-${TOWNSHIP}-1`),
  ]);
  // The item takes evidence once its deadline is planned.
  await eventually(
    async () => (await secretary.get(finding())).body,
    (f) => typeof f?.deadline === 'string' && f.deadline.length > 0,
  );
});

afterAll(() => stack?.stop());

test('files must be this branch’s uploads: a 400 names each one that is not', async () => {
  const photo = await upload(secretary, WEAK, '整改前后.png', PNG, 'image/png');
  const theirs = await upload(
    await ApiUser.login(stack.baseUrl, `sec-${NEIGHBOUR}`),
    NEIGHBOUR,
    'x.pdf',
    PDF,
    'application/pdf',
  );

  // Another branch's upload, and a digest nobody uploaded.
  const foreign = await secretary.post(`${finding()}/evidence`, {
    description: '已整改',
    evidence: [photo, theirs, { sha256: 'f'.repeat(64), filename: 'ghost.jpg' }],
  });
  expect(foreign.status).toBe(400);
  expect(foreign.body.errors).toEqual([
    { field: 'body.evidence.1.sha256', message: expect.stringContaining('没有上传过该文件') },
    { field: 'body.evidence.2.sha256', message: expect.stringContaining('没有上传过该文件') },
  ]);
  // Not a digest at all: the schema names it.
  const malformed = await secretary.post(`${finding()}/evidence`, {
    evidence: [{ sha256: 'abc', filename: 'a.png' }],
  });
  expect(malformed.status).toBe(400);
  expect(malformed.body.errors).toEqual([
    { field: 'body.evidence.0.sha256', message: '应为上传后返回的sha256' },
  ]);
  // Neither words nor files.
  const empty = await secretary.post(`${finding()}/evidence`, { description: '  ' });
  expect(empty.status).toBe(400);
  expect(empty.body.errors).toEqual([{ field: 'body.description', message: '请写明整改情况或上传整改材料' }]);

  // Nothing was taken.
  expect((await secretary.get(finding())).body).toMatchObject({ status: 'awaiting_evidence', evidence: [] });
});

test('files alone are a submission; they stay with it through a refusal and the close-out', async () => {
  const photo = await upload(secretary, WEAK, '整改前后.png', PNG, 'image/png');
  const plan = await upload(secretary, WEAK, '整顿方案.pdf', PDF, 'application/pdf');
  const first = await secretary.post(`${finding()}/evidence`, { evidence: [photo, plan] });
  expect(first.status).toBe(200);
  expect(first.body.evidence).toEqual([
    { description: '', files: [photo, plan], at: expect.any(String), by: `u-sec-${WEAK}` },
  ]);

  // The verifier reads the finding with its files, and refuses it.
  const seen = await reviewer.get(finding());
  expect(seen.body).toMatchObject({ status: 'awaiting_verification', evidence: [{ files: [photo, plan] }] });
  const refused = await reviewer.post(`${finding()}/verify`, {
    accepted: false,
    reasons: ['缺少班子调整文件'],
  });
  expect(refused.body.status).toBe('awaiting_evidence');

  // A description alone, as before files existed; then the close-out. Each submission keeps its own files.
  expect((await secretary.post(`${finding()}/evidence`, { description: '班子已调整' })).status).toBe(200);
  expect((await reviewer.post(`${finding()}/verify`, { accepted: true })).body.status).toBe('closed');
  const closed = await reviewer.get(finding());
  expect(closed.body.evidence.map((e: any) => [e.description, e.files])).toEqual([
    ['', [photo, plan]],
    ['班子已调整', []],
  ]);

  // The verifier's notice of the files-only submission names the files.
  await eventually(
    async () => (await reviewer.get('/api/inbox?limit=200')).body.items as any[],
    (items) => items.some((n) => n.body.includes('整改佐证材料已提交：整改前后.png、整顿方案.pdf。')),
  );
});
