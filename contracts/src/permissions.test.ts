import { HUMAN_STEPS, STEP_SIGNERS } from './cycle';
import { BRANCH_COMMANDS, COMMAND_SIGNERS, STEP_COMMAND, commandRoles, mayCommand } from './permissions';

const branch = { code: '411099100201', townshipCode: '411099100', countyCode: '411099' };

describe('who may command a branch', () => {
  it('lets each step signer sign their step, over their own part of the tree only', () => {
    for (const step of HUMAN_STEPS) {
      const { role, scope } = STEP_SIGNERS[step];
      const home =
        scope === 'branch' ? branch.code : scope === 'township' ? branch.townshipCode : branch.countyCode;
      expect(mayCommand({ role, jurisdiction: home }, branch, STEP_COMMAND[step])).toBe(true);
      expect(mayCommand({ role, jurisdiction: '411098' }, branch, STEP_COMMAND[step])).toBe(false);
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
    expect(commandRoles('review')).toEqual(['township_reviewer', 'county_reviewer']);
    expect(commandRoles('urge')).toEqual(['coordinator', 'township_reviewer']);
  });
});
