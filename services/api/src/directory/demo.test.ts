import { Branch, jurisdictionFits, related, STEP_SIGNERS, ROLES } from '@fivestar/contracts';
import { demoCounty } from './demo';

describe('demoCounty', () => {
  const demo = demoCounty();

  it('is deterministic', () => {
    expect(demoCounty()).toEqual(demo);
  });

  it('has three townships of ten valid branches, rural and urban, with unique 12-digit codes', () => {
    expect(demo.townships).toHaveLength(3);
    expect(demo.branches).toHaveLength(30);
    demo.branches.forEach((b) => Branch.parse(b));
    expect(new Set(demo.branches.map((b) => b.code)).size).toBe(30);
    expect(new Set(demo.branches.map((b) => b.type))).toEqual(new Set(['rural', 'urban']));
    demo.branches.forEach((b) => expect(b.code.startsWith(b.townshipCode)).toBe(true));
  });

  it('has exactly one weak and lax village', () => {
    expect(demo.branches.filter((b) => b.weak).map((b) => b.code)).toEqual(['411099200210']);
  });

  it('has a user for every role and a secretary for every branch', () => {
    expect(new Set(demo.users.map((u) => u.role))).toEqual(new Set(ROLES));
    for (const b of demo.branches) {
      expect(
        demo.users.some((u) => u.role === STEP_SIGNERS.SELF_CHECK.role && u.jurisdiction === b.code),
      ).toBe(true);
    }
    expect(new Set(demo.users.map((u) => u.username)).size).toBe(demo.users.length);
  });

  it('binds every user at a level their role is held at, inside the county or above it', () => {
    for (const u of demo.users) {
      expect([u.username, jurisdictionFits(u.role, u.jurisdiction)]).toEqual([u.username, true]);
      expect(related(u.jurisdiction, demo.county.code)).toBe(true);
    }
    expect(demo.users.filter((u) => u.jurisdiction.length < 6).map((u) => u.role)).toEqual(
      expect.arrayContaining([
        'coordinator',
        'leader',
        'admin',
        'observer',
        'city_reviewer',
        'province_reviewer',
      ]),
    );
  });
});
