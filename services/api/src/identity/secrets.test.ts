import { newApiToken, parseApiToken, sameDigest, scopeAllows, sha256 } from './secrets';

describe('API token secrets', () => {
  it('parses what it issues, and nothing malformed', () => {
    const t = newApiToken();
    expect(parseApiToken(t.token)).toEqual({ id: t.id, secret: t.secret });
    expect(parseApiToken(`${t.token}x`)).toBeUndefined();
    expect(parseApiToken(t.token.replace('fst_', 'fsx_'))).toBeUndefined();
    expect(parseApiToken(`fst_${t.id.toUpperCase()}_${t.secret}`)).toBeUndefined();
  });

  it('issues a different secret every time', () => {
    expect(newApiToken().token).not.toBe(newApiToken().token);
  });

  it('compares digests of equal length only', () => {
    expect(sameDigest(sha256('a'), sha256('a'))).toBe(true);
    expect(sameDigest(sha256('a'), sha256('b'))).toBe(false);
    expect(sameDigest(sha256('a'), 'short')).toBe(false);
  });

  it('lets read reach GET and HEAD only, write the commands', () => {
    expect(scopeAllows(['read'], 'GET')).toBe(true);
    expect(scopeAllows(['read'], 'HEAD')).toBe(true);
    expect(scopeAllows(['read'], 'POST')).toBe(false);
    expect(scopeAllows(['read'], 'DELETE')).toBe(false);
    expect(scopeAllows(['write'], 'PATCH')).toBe(true);
    expect(scopeAllows(['write'], 'GET')).toBe(false);
    expect(scopeAllows(['read', 'write'], 'POST')).toBe(true);
  });
});
