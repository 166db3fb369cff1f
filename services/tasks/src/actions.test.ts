import { access, decide, inGroup, type TaskState } from './actions';

const T = '330102001';
const group = { role: 'township_reviewer' as const, jurisdiction: T };
const user = (
  userId: string,
  jurisdiction = T,
  role: 'township_reviewer' | 'coordinator' = 'township_reviewer',
) => ({
  userId,
  name: `name-${userId}`,
  role,
  jurisdiction,
});
const u1 = user('u1');
const u2 = user('u2');
const countyReviewer = user('c1', '330102');
const coordinator = user('k1', '330102', 'coordinator');
const holder = (u: { userId: string; name: string }) => ({ userId: u.userId, name: u.name });
const open = (over: Partial<TaskState> = {}): TaskState => ({
  status: 'open',
  group,
  assignee: null,
  delegatedBy: null,
  ...over,
});

describe('access', () => {
  it('knows members, higher levels and strangers', () => {
    expect(access(u1, group)).toEqual({ inScope: true, member: true, higher: false });
    expect(access(countyReviewer, group)).toEqual({ inScope: true, member: true, higher: true });
    expect(access(coordinator, group)).toEqual({ inScope: true, member: false, higher: true });
    expect(access(user('x', '330102002'), group)).toEqual({ inScope: false, member: false, higher: false });
    expect(access({ ...u1, role: 'village_secretary' }, group).inScope).toBe(false);
  });

  it('puts a target in the group when the task is on its list', () => {
    expect(inGroup(u2, group)).toBe(true);
    expect(inGroup(countyReviewer, group)).toBe(true);
    expect(inGroup(user('x', '330102002'), group)).toBe(false);
    expect(inGroup(coordinator, group)).toBe(false);
  });
});

describe('decide', () => {
  it('claims an open unclaimed task for a member; again is a no-op; another member conflicts', () => {
    expect(decide('claim', open(), u1)).toEqual({
      ok: true,
      assignee: holder(u1),
      delegatedBy: null,
      changed: true,
    });
    const mine = open({ assignee: holder(u1) });
    expect(decide('claim', mine, u1)).toMatchObject({ ok: true, changed: false });
    expect(decide('claim', mine, u2)).toMatchObject({ ok: false, code: 'conflict' });
    expect(decide('claim', open({ status: 'done' }), u1)).toMatchObject({ ok: false, code: 'conflict' });
    expect(decide('claim', open(), coordinator)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decide('claim', open(), user('x', '330102002'))).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('lets the assignee or a higher level unclaim', () => {
    const mine = open({ assignee: holder(u1) });
    expect(decide('unclaim', mine, u1)).toMatchObject({ ok: true, assignee: null, changed: true });
    expect(decide('unclaim', mine, u2)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decide('unclaim', mine, countyReviewer)).toMatchObject({ ok: true, assignee: null });
    expect(decide('unclaim', mine, coordinator)).toMatchObject({ ok: true, assignee: null });
    expect(decide('unclaim', open(), u1)).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('reassigns (转办) to a user of the group only', () => {
    const mine = open({ assignee: holder(u1) });
    expect(decide('reassign', mine, u1, u2)).toEqual({
      ok: true,
      assignee: holder(u2),
      delegatedBy: null,
      changed: true,
    });
    expect(decide('reassign', mine, u1, user('x', '330102002'))).toMatchObject({
      ok: false,
      code: 'invalid',
    });
    expect(decide('reassign', mine, u2, u2)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decide('reassign', mine, coordinator, u2)).toMatchObject({ ok: true, assignee: holder(u2) });
    expect(decide('reassign', mine, u1, u1)).toMatchObject({ ok: false, code: 'conflict' });
    expect(decide('reassign', mine, u1)).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('delegates (委派) and returns to the owner', () => {
    const mine = open({ assignee: holder(u1) });
    const d = decide('delegate', mine, u1, u2);
    expect(d).toEqual({ ok: true, assignee: holder(u2), delegatedBy: holder(u1), changed: true });
    const delegated = open({ assignee: holder(u2), delegatedBy: holder(u1) });
    expect(decide('delegate', delegated, u2, u1)).toMatchObject({ ok: false, code: 'conflict' });
    expect(decide('reassign', delegated, u2, u1)).toMatchObject({ ok: false, code: 'conflict' });
    expect(decide('return', delegated, u1)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(decide('return', delegated, u2)).toEqual({
      ok: true,
      assignee: holder(u1),
      delegatedBy: null,
      changed: true,
    });
    expect(decide('return', mine, u1)).toMatchObject({ ok: false, code: 'conflict' });
    expect(decide('delegate', mine, coordinator, u2)).toMatchObject({ ok: false, code: 'forbidden' });
  });
});
