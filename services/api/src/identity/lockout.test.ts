import { LockedOut, retryAfterSeconds } from './lockout';

describe('login lock', () => {
  const now = new Date('2026-03-01T08:00:00Z');

  it('counts whole seconds up, never 0 while the lock holds', () => {
    expect(retryAfterSeconds(new Date(now.getTime() + 1500), now)).toBe(2);
    expect(retryAfterSeconds(new Date(now.getTime() + 1), now)).toBe(1);
    expect(retryAfterSeconds(new Date(now.getTime() + 900_000), now)).toBe(900);
  });

  it('is over at its end, and absent without one', () => {
    expect(retryAfterSeconds(now, now)).toBe(0);
    expect(retryAfterSeconds(new Date(now.getTime() - 1000), now)).toBe(0);
    expect(retryAfterSeconds(null, now)).toBe(0);
  });

  it('answers 429 in minutes rounded up', () => {
    const p = new LockedOut(61);
    expect(p.status).toBe(429);
    expect(p.detail).toContain('2分钟');
  });
});
