import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { tokenIssuer } from './access-token';

describe('access tokens', () => {
  const secret = randomBytes(32);
  const tokens = tokenIssuer(secret);

  it('carry the user and the session', async () => {
    const t = await tokens.issue({ userId: 'u-a', sessionId: 's-1' }, 60);
    expect(await tokens.read(t)).toEqual({ userId: 'u-a', sessionId: 's-1' });
  });

  it('are refused once expired', async () => {
    const t = await new SignJWT({ sid: 's-1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-a')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1)
      .sign(secret);
    expect(await tokens.read(t)).toBeUndefined();
  });

  it('are refused under another key or without a session', async () => {
    const other = await tokenIssuer(randomBytes(32)).issue({ userId: 'u-a', sessionId: 's-1' }, 60);
    expect(await tokens.read(other)).toBeUndefined();
    const noSid = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-a')
      .setExpirationTime('60s')
      .sign(secret);
    expect(await tokens.read(noSid)).toBeUndefined();
    expect(await tokens.read('garbage')).toBeUndefined();
  });
});
