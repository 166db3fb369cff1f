import { jwtVerify, SignJWT } from 'jose';

/** What an access token says: whose it is and which session (refresh-token family) it belongs to. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export interface TokenIssuer {
  issue(claims: AccessClaims, ttlSeconds: number): Promise<string>;
  /** The claims of a valid, unexpired token; undefined for anything else. */
  read(token: string): Promise<AccessClaims | undefined>;
}

/** HS256 JWTs; role and jurisdiction are not in them, since they are read from the user row each time. */
export function tokenIssuer(secret: Uint8Array): TokenIssuer {
  return {
    issue: ({ userId, sessionId }, ttlSeconds) =>
      new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(secret),
    read: async (token) => {
      try {
        const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return undefined;
        return { userId: payload.sub, sessionId: payload.sid };
      } catch {
        return undefined;
      }
    },
  };
}
