import { claimOutcomes, planUrges, urgeOutcomes, type UrgeRow } from './urge';

const step = (key: string, roundId: string | null, branchId: string | null): UrgeRow => ({
  key,
  roundId,
  branchId,
  findingId: null,
});

test('step work is urged per round, a branch once; a rectification by its own route; no branch, nothing', () => {
  const finding: UrgeRow = { key: 'f', roundId: 'r1', branchId: 'b1', findingId: 'F1' };
  const plan = planUrges([
    step('a', 'r1', 'b1'),
    step('b', 'r2', 'b2'),
    step('c', 'r1', 'b3'),
    step('d', 'r1', 'b1'),
    finding,
    step('e', null, null),
  ]);
  expect(plan.bulk.map((g) => [g.roundId, g.branchIds, g.rows.map((r) => r.key)])).toEqual([
    ['r1', ['b1', 'b3'], ['a', 'c', 'd']],
    ['r2', ['b2'], ['b']],
  ]);
  expect(plan.single).toEqual([{ path: '/rounds/r1/branches/b1/findings/F1/urge', row: finding }]);
});

test("each row gets its branch's outcome of a bulk urge, the problem's detail when refused", () => {
  const rows = [step('a', 'r1', 'b1'), step('b', 'r1', 'b2'), step('c', 'r1', 'b3'), step('d', 'r1', 'b1')];
  const outcomes = urgeOutcomes(rows, {
    items: [
      { branchId: 'b1', status: 200, lastUrgedAt: '2026-05-01T00:00:00Z' },
      { branchId: 'b2', status: 409, problem: { title: '冲突', detail: '催办过于频繁' } },
      { branchId: 'b3', status: 403, problem: { title: '不在您的管辖范围内' } },
    ],
  });
  expect(outcomes).toEqual({
    a: { ok: true },
    b: { ok: false, message: '催办过于频繁' },
    c: { ok: false, message: '不在您的管辖范围内' },
    d: { ok: true },
  });
});

test('a bulk claim answers per task', () => {
  expect(
    claimOutcomes({
      items: [
        { key: 'a', ok: true },
        { key: 'b', ok: false, error: { code: 'Conflict', message: '已被他人认领' } },
      ],
    }),
  ).toEqual({ a: { ok: true }, b: { ok: false, message: '已被他人认领' } });
});
