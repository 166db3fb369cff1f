import { problemOf } from '../gateway/problem';
import { addressKey, delaySeconds, LockedOut, retryAfterSeconds } from './lockout';

describe('login delays', () => {
  const now = new Date('2026-03-01T08:00:00Z');

  it('counts whole seconds up, never 0 while a delay holds', () => {
    expect(retryAfterSeconds(new Date(now.getTime() + 1500), now)).toBe(2);
    expect(retryAfterSeconds(new Date(now.getTime() + 1), now)).toBe(1);
    expect(retryAfterSeconds(new Date(now.getTime() + 900_000), now)).toBe(900);
  });

  it('is over at its end, and absent without one', () => {
    expect(retryAfterSeconds(now, now)).toBe(0);
    expect(retryAfterSeconds(new Date(now.getTime() - 1000), now)).toBe(0);
    expect(retryAfterSeconds(null, now)).toBe(0);
  });

  it('starts at the limit with 1 s and doubles with each further failure, up to the cap', () => {
    expect([1, 4, 5, 6, 7, 8, 14, 15, 40].map((f) => delaySeconds(f, 5, 900))).toEqual([
      0, 0, 1, 2, 4, 8, 512, 900, 900,
    ]);
    expect(delaySeconds(1_000_000, 5, 900)).toBe(900);
    expect(delaySeconds(3, 1, 2)).toBe(2);
  });

  it('keys IPv4 (mapped or not) by address and IPv6 by its /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb::2'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey(undefined)).toBe('unknown');
  });

  it('answers 429 in seconds under a minute, else in minutes rounded up', () => {
    const p = problemOf(new LockedOut(61));
    expect(p.status).toBe(429);
    expect(p.detail).toContain('2分钟');
    expect(problemOf(new LockedOut(4)).detail).toContain('请4秒后再试');
    expect(problemOf(new LockedOut(4)).retryAfter).toBe(4);
  });
});
