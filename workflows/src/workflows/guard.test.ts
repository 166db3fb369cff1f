import { ApplicationFailure } from '@temporalio/workflow';
import { knownActor, requireActor, requireOneLevel } from './guard';

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
      { ...coordinator, jurisdiction: '4110' },
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
      message: '该操作需要角色 township_reviewer',
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
});
