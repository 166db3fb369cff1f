import { HUMAN_STEPS, STEP_SIGNERS } from './cycle';
import { scopeCode } from './directory';
import {
  BRANCH_COMMANDS,
  COMMAND_SIGNERS,
  STEP_COMMAND,
  commandRoles,
  holds,
  mayCommand,
  stepSigners,
} from './permissions';
import { ChainTemplate, DEFAULT_CHAIN, namingScope } from './round';

const branch = { code: '411099100201', townshipCode: '411099100', countyCode: '411099' };

describe('who may command a branch', () => {
  it('lets each step signer sign their step, over their own part of the tree only', () => {
    for (const step of HUMAN_STEPS) {
      const { role, scope } = STEP_SIGNERS[step];
      const home = scopeCode(branch, scope);
      expect(mayCommand({ role, jurisdiction: home }, branch, STEP_COMMAND[step])).toBe(true);
      const elsewhere = {
        branch: '411098100201',
        township: '411098100',
        county: '411098',
        city: '4111',
        province: '42',
      };
      expect(mayCommand({ role, jurisdiction: elsewhere[scope] }, branch, STEP_COMMAND[step])).toBe(false);
    }
  });

  it('refuses a role that is not a signer of the command, wherever it sits', () => {
    expect(mayCommand({ role: 'village_secretary', jurisdiction: branch.code }, branch, 'review')).toBe(
      false,
    );
    expect(mayCommand({ role: 'admin', jurisdiction: '41' }, branch, 'confirmAward')).toBe(false);
    expect(mayCommand({ role: 'coordinator', jurisdiction: '411099' }, branch, 'submitSelfCheck')).toBe(
      false,
    );
  });

  it('does not let a township reviewer act on another township of the same county', () => {
    const other = { role: 'township_reviewer' as const, jurisdiction: '411099101' };
    expect(mayCommand(other, branch, 'verifyRectification')).toBe(false);
    expect(mayCommand({ ...other, jurisdiction: '411099100' }, branch, 'verifyRectification')).toBe(true);
  });

  it('names at least one signer for every command, and the roles without repeats', () => {
    for (const command of BRANCH_COMMANDS) expect(COMMAND_SIGNERS[command].length).toBeGreaterThan(0);
    expect(commandRoles('review')).toEqual([
      'township_reviewer',
      'county_reviewer',
      'city_reviewer',
      'province_reviewer',
    ]);
    expect(commandRoles('urge')).toEqual(['coordinator', 'township_reviewer']);
  });
});

describe("who signs a step under a round's chain", () => {
  const chain = ChainTemplate.parse({
    observers: ['city'],
    naming: [
      { fromLevel: 4, scope: 'city' },
      { fromLevel: 5, scope: 'province' },
    ],
  });

  it("is one of the step command's signers, whatever the chain and the level", () => {
    for (const c of [DEFAULT_CHAIN, chain])
      for (const step of HUMAN_STEPS)
        for (const level of [0, 3, 4, 5])
          for (const s of stepSigners(step, c, level))
            expect(COMMAND_SIGNERS[STEP_COMMAND[step]]).toContainEqual(s);
  });

  it("is today's signers in the default chain", () => {
    for (const step of HUMAN_STEPS)
      expect(stepSigners(step, DEFAULT_CHAIN, 5)[0]).toEqual(STEP_SIGNERS[step]);
    expect(stepSigners('ON_SITE_OBSERVATION', DEFAULT_CHAIN, 0)).toEqual([
      { role: 'observer', scope: 'county' },
      { role: 'observer', scope: 'city' },
    ]);
  });

  it('lets the task force of the naming level confirm the award, and no other', () => {
    expect([1, 3, 4, 5].map((level) => namingScope(chain, level))).toEqual([
      'county',
      'county',
      'city',
      'province',
    ]);
    const [five] = stepSigners('AWARD', chain, 5);
    expect(holds({ role: 'coordinator', jurisdiction: '41' }, branch, five!)).toBe(true);
    expect(holds({ role: 'coordinator', jurisdiction: '411099' }, branch, five!)).toBe(false);
    expect(holds({ role: 'coordinator', jurisdiction: '4110' }, branch, five!)).toBe(false);
    expect(stepSigners('ON_SITE_OBSERVATION', chain, 0)).toEqual([{ role: 'observer', scope: 'city' }]);
  });
});
