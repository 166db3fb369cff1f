import {
  ChangePasswordRequest,
  CreateApiTokenRequest,
  CreateUserRequest,
  DirectoryFileUser,
  jurisdictionFits,
  UpdateUserRequest,
} from './identity';

const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  r.error?.issues.map((i) => i.path.join('.')) ?? [];

describe('identity bodies', () => {
  it('binds each role to its level of jurisdiction', () => {
    expect(jurisdictionFits('village_secretary', '411099100201')).toBe(true);
    expect(jurisdictionFits('village_secretary', '411099100')).toBe(false);
    expect(jurisdictionFits('township_reviewer', '411099100')).toBe(true);
    expect(jurisdictionFits('coordinator', '411099')).toBe(true);
    expect(jurisdictionFits('admin', '411099100201')).toBe(false);
    // The steering roles at every level from the province to the township; reviewers at their own.
    for (const code of ['41', '4110', '411099', '411099100'])
      for (const role of ['coordinator', 'observer', 'admin', 'leader'] as const)
        expect(jurisdictionFits(role, code)).toBe(true);
    expect(jurisdictionFits('city_reviewer', '4110')).toBe(true);
    expect(jurisdictionFits('city_reviewer', '411099')).toBe(false);
    expect(jurisdictionFits('province_reviewer', '41')).toBe(true);
    expect(jurisdictionFits('county_reviewer', '41')).toBe(false);
    expect(jurisdictionFits('leader', '411')).toBe(false);
  });

  it('names the jurisdiction when it does not fit the role', () => {
    const user = { username: 'sec-x', name: '书记', role: 'village_secretary', password: 'long-enough-1' };
    expect(CreateUserRequest.safeParse({ ...user, jurisdiction: '411099100201' }).success).toBe(true);
    expect(paths(CreateUserRequest.safeParse({ ...user, jurisdiction: '411099100' }))).toEqual([
      'jurisdiction',
    ]);
    expect(paths(DirectoryFileUser.safeParse({ ...user, jurisdiction: '411099' }))).toEqual(['jurisdiction']);
  });

  it('holds the password policy and refuses the same password again', () => {
    expect(paths(ChangePasswordRequest.safeParse({ currentPassword: 'x', newPassword: 'short' }))).toEqual([
      'newPassword',
    ]);
    const same = 'the-same-password';
    expect(paths(ChangePasswordRequest.safeParse({ currentPassword: same, newPassword: same }))).toEqual([
      'newPassword',
    ]);
  });

  it('takes scopes once each, and an update with at least one field', () => {
    expect(CreateApiTokenRequest.safeParse({ name: 'x', scopes: ['read', 'write'] }).success).toBe(true);
    expect(CreateApiTokenRequest.safeParse({ name: 'x', scopes: ['read', 'read'] }).success).toBe(false);
    expect(CreateApiTokenRequest.safeParse({ name: 'x', scopes: [] }).success).toBe(false);
    expect(UpdateUserRequest.safeParse({}).success).toBe(false);
    expect(UpdateUserRequest.safeParse({ active: false }).success).toBe(true);
  });
});
