import { decodeCursor, encodeCursor, type Cursor } from './cursor';

const c: Cursor = {
  asOf: '2025-03-10T08:00:00.000Z',
  rank: 0,
  deadline: '2025-03-12T16:00:00.123Z',
  key: 'round/r1/branch/330102001001/TOWNSHIP_REVIEW/1',
};

describe('cursor', () => {
  it('round-trips', () => {
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(encodeCursor({ ...c, rank: 1, key: '整改/中文键' }))).toEqual({
      ...c,
      rank: 1,
      key: '整改/中文键',
    });
  });

  it('is URL-safe base64 without padding', () => {
    for (let i = 0; i < 20; i++)
      expect(encodeCursor({ ...c, key: 'k'.repeat(i) + '?~>' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('rejects what it did not issue', () => {
    expect(decodeCursor('')).toBeNull();
    expect(decodeCursor('not a cursor!')).toBeNull();
    expect(decodeCursor(Buffer.from('{"a":1}').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from(JSON.stringify({ ...c, rank: 2 })).toString('base64url'))).toBeNull();
    expect(
      decodeCursor(Buffer.from(JSON.stringify({ ...c, deadline: 'yesterday' })).toString('base64url')),
    ).toBeNull();
  });
});
