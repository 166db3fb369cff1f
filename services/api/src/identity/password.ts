import type { Actor, ChangePasswordRequest } from '@fivestar/contracts';
import { invalidField, Refusal } from '../refusal';
import { checkPassword, hashPassword, revokeSessions, type IdentityDeps } from './sessions';

/**
 * Changes the caller's password and revokes every session of theirs (this one too: they sign in again).
 * A wrong current password counts towards the lockout like a failed login from the caller's `address`.
 * Returns sessions revoked.
 */
export async function changePassword(
  deps: IdentityDeps,
  actor: Actor,
  body: ChangePasswordRequest,
  address: string | undefined,
): Promise<number> {
  const { username } = await deps.db
    .selectFrom('users')
    .select('username')
    .where('id', '=', actor.userId)
    .executeTakeFirstOrThrow();
  try {
    await checkPassword(deps, username, body.currentPassword, address);
  } catch (err) {
    if (err instanceof Refusal && err.kind === 'unauthenticated')
      throw invalidField('body.currentPassword', '当前密码不正确');
    throw err;
  }
  const passwordHash = await hashPassword(body.newPassword);
  return deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('id', '=', actor.userId)
      .execute();
    return revokeSessions(trx, { userId: actor.userId }, 'password_changed');
  });
}
