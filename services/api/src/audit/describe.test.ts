import { describeCommand } from './describe';

describe('describeCommand', () => {
  it('names path identifiers in the action and lists them as the target', () => {
    expect(
      describeCommand('POST', '/rounds/411099-2026/branches/411099100201/findings/F2/verify', {}),
    ).toEqual({
      action: 'POST /rounds/:roundId/branches/:code/findings/:findingId/verify',
      target: 'rounds/411099-2026/branches/411099100201/findings/F2',
      roundId: '411099-2026',
      branchId: '411099100201',
      countyCode: null,
    });
    expect(describeCommand('POST', '/bulletins/411099/2026-10/publish', undefined)).toMatchObject({
      action: 'POST /bulletins/:countyCode/:period/publish',
      target: 'bulletins/411099/2026-10',
      countyCode: '411099',
    });
  });

  it('names the county and the township or branch of a directory change (区划调整)', () => {
    expect(describeCommand('PATCH', '/counties/411099/townships/411099200', { name: '黄河镇' })).toEqual({
      action: 'PATCH /counties/:countyCode/townships/:townshipCode',
      target: 'counties/411099/townships/411099200',
      roundId: null,
      branchId: null,
      countyCode: '411099',
    });
    expect(describeCommand('PATCH', '/counties/411099/branches/411099200201', { name: '新村' })).toEqual({
      action: 'PATCH /counties/:countyCode/branches/:code',
      target: 'counties/411099/branches/411099200201',
      roundId: null,
      branchId: '411099200201',
      countyCode: '411099',
    });
  });

  it('names the user of an admin change and the token revoked, but not a POST to a collection', () => {
    expect(describeCommand('PATCH', '/admin/users/twp-411099100-1', { active: false })).toMatchObject({
      action: 'PATCH /admin/users/:username',
      target: 'users/twp-411099100-1',
    });
    expect(describeCommand('POST', '/admin/users/import', {}).action).toBe('POST /admin/users/import');
    expect(describeCommand('DELETE', '/auth/tokens/0123456789abcdef', undefined)).toMatchObject({
      action: 'DELETE /auth/tokens/:id',
      target: 'tokens/0123456789abcdef',
    });
  });

  it('keeps U+0000 out of what is stored (found by the fuzz test)', () => {
    expect(describeCommand('POST', '/tasks/claim', { key: 'a\u0000b' }).target).toBe('tasks/a\ufffdb');
  });

  it('takes segments named like Object.prototype members as literals (found by the fuzz test)', () => {
    for (const segment of ['__proto__', 'constructor', 'toString'])
      expect(describeCommand('POST', `/admin/deliveries/${segment}/retry`, {}).action).toBe(
        `POST /admin/deliveries/${segment}/retry`,
      );
  });

  it('keeps literal segments that are not identifiers', () => {
    expect(
      describeCommand('POST', '/bulletins/snapshot', { countyCode: '411099', period: '2026-10' }),
    ).toEqual({
      action: 'POST /bulletins/snapshot',
      target: null,
      roundId: null,
      branchId: null,
      countyCode: '411099',
    });
  });

  it('takes the ids that travel in the body: new rounds, task keys, login names', () => {
    expect(
      describeCommand('POST', '/rounds', { roundId: '411099-2026', countyCode: '411099' }),
    ).toMatchObject({
      action: 'POST /rounds',
      target: 'rounds/411099-2026',
      roundId: '411099-2026',
      countyCode: '411099',
    });
    expect(describeCommand('POST', '/tasks/bulk-claim', { keys: ['a/b/1', 'a/c/1'] }).target).toBe(
      'tasks/a/b/1 tasks/a/c/1',
    );
    expect(describeCommand('POST', '/auth/login', { username: 'coord-411099', password: 'x' })).toMatchObject(
      {
        action: 'POST /auth/login',
        target: 'users/coord-411099',
      },
    );
    // An invalid round id in the body is not taken as a round.
    expect(describeCommand('POST', '/rounds', { roundId: 'NOT VALID' }).roundId).toBeNull();
  });

  it('bounds what a caller can make it store', () => {
    const d = describeCommand('DELETE', `/${'x'.repeat(1000)}`, { key: 'k'.repeat(1000) });
    expect(d.action.length).toBeLessThanOrEqual(200);
    expect(d.target!.length).toBeLessThanOrEqual(500);
  });
});
