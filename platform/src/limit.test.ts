import { mapLimited } from './limit';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('mapLimited', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimited([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      for (let i = 0; i < n; i++) await tick();
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });

  it('answers an empty list without calling fn, and runs one at a time with a limit below 1', async () => {
    const fn = jest.fn(async (n: number) => n);
    expect(await mapLimited([], 4, fn)).toEqual([]);
    expect(fn).not.toHaveBeenCalled();
    let running = 0;
    let peak = 0;
    await mapLimited([1, 2, 3], 0, async () => {
      peak = Math.max(peak, ++running);
      await tick();
      running--;
    });
    expect(peak).toBe(1);
  });

  it('rejects when a call rejects', async () => {
    await expect(
      mapLimited([1, 2], 2, async (n) => {
        if (n === 2) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
  });
});
