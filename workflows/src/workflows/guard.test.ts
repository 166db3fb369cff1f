import { ApplicationFailure } from '@temporalio/workflow';
import { knownActor, requireActor, requireOneLevel, requireSigner, signerGroup } from './guard';
import { STEP_SIGNERS } from '@fivestar/contracts';

/** The refusal a validator throws: its failure type and message. */
function refusal(fn: () => unknown): { type: string | null | undefined; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    const f = err as ApplicationFailure;
    expect(f.nonRetryable).toBe(true);
    return { type: f.type, message: f.message };
  }
  throw new Error('not refused');
}

const coordinator = { userId: 'u-c', name: '专班', role: 'coordinator', jurisdiction: '411099' } as const;

describe('validator guards', () => {
  it('takes only a well-formed actor: an empty jurisdiction, a missing user or an unknown role is nobody', () => {
    expect(knownActor({ ...coordinator, extra: 1 })).toEqual(coordinator);
    for (const bad of [
      undefined,
      null,
      { ...coordinator, jurisdiction: '' },
      { ...coordinator, jurisdiction: '41101' },
      { ...coordinator, userId: '' },
      { ...coordinator, role: 'superuser' },
    ]) {
      expect(refusal(() => knownActor(bad))).toEqual({
        type: 'Forbidden',
        message: '缺少操作人或操作人无效',
      });
    }
  });

  it('requires the role over the jurisdiction', () => {
    expect(requireActor(coordinator, 'coordinator', '411099100201')).toEqual(coordinator);
    expect(refusal(() => requireActor(coordinator, 'township_reviewer', '411099100'))).toEqual({
      type: 'Forbidden',
      message: '该操作需由乡镇审核人办理',
    });
    expect(refusal(() => requireActor(coordinator, 'coordinator', '411098100201')).message).toBe(
      '不在您的管辖范围内',
    );
    // A prefix of the code, not of the string: a county is not inside its own township.
    expect(
      refusal(() => requireActor({ ...coordinator, jurisdiction: '411099100' }, 'coordinator', '411099'))
        .message,
    ).toBe('不在您的管辖范围内');
  });

  it('lets a user act again at their own level only', () => {
    expect(() => requireOneLevel(undefined, 'AWARD')).not.toThrow();
    expect(() => requireOneLevel('TOWNSHIP_REVIEW', 'TOWNSHIP_REVIEW')).not.toThrow();
    expect(refusal(() => requireOneLevel('TOWNSHIP_REVIEW', 'COUNTY_PRE_REVIEW'))).toEqual({
      type: 'Forbidden',
      message: '职责分离：同一人不能签署同一支部的两个层级（您已办理乡镇审核，不能再办理县级预审）',
    });
  });

  const branch = { code: '411099100201', townshipCode: '411099100', countyCode: '411099' };
  const user = (role: string, jurisdiction: string) => ({
    userId: `u-${role}`,
    name: role,
    role,
    jurisdiction,
  });

  it('takes signers from contracts/src/permissions.ts: a step narrows a command to its own level', () => {
    const township = user('township_reviewer', '411099100');
    expect(requireSigner(township, branch, 'review', [STEP_SIGNERS.TOWNSHIP_REVIEW])).toEqual(township);
    expect(
      refusal(() => requireSigner(township, branch, 'review', [STEP_SIGNERS.COUNTY_PRE_REVIEW])),
    ).toEqual({
      type: 'Forbidden',
      message: '该操作需由县级审核人办理',
    });
    expect(requireSigner(coordinator, branch, 'upholdObjection')).toEqual(coordinator);
    expect(
      refusal(() => requireSigner(user('coordinator', '411098'), branch, 'decideRevocation')).message,
    ).toBe('不在您的管辖范围内');
    expect(refusal(() => requireSigner(township, branch, 'submitEvidence'))).toEqual({
      type: 'Forbidden',
      message: '该操作需由村（社区）党支部书记办理',
    });
  });

  it('names the group owing a command at its level', () => {
    expect(signerGroup(branch, 'submitEvidence')).toEqual({
      role: 'village_secretary',
      jurisdiction: branch.code,
    });
    expect(signerGroup(branch, 'verifyRectification')).toEqual({
      role: 'township_reviewer',
      jurisdiction: branch.townshipCode,
    });
    expect(signerGroup(branch, 'decideRevocation')).toEqual({ role: 'coordinator', jurisdiction: '411099' });
  });
});
