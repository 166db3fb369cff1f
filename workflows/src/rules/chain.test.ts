import { createHash } from 'node:crypto';
import { CORE_STEPS, ChainTemplate, DEFAULT_CHAIN } from '@fivestar/contracts';
import { drawSpotCheck, returnRefusal, spotCheckValue, staleAfter, stepAfter } from './chain';
import { sha256Hex } from './sha256';

const spot = { minStars: 5, share: 0.3, seed: '2026省抽查', due: { seconds: 60 } };
const chain = ChainTemplate.parse({
  cityRecheck: { minStars: 4, due: { seconds: 60 } },
  provinceSpotCheck: spot,
});
const at = (level: number, branchCode = '411099100201') => ({
  roundId: 'r-2026',
  branchCode,
  level: () => level,
});
/** Every branch code of a county's 40 townships × 50 villages. */
const codes = Array.from(
  { length: 2000 },
  (_, i) => `411099${String(100 + (i % 40)).padStart(3, '0')}${String(201 + Math.floor(i / 40))}`,
);

describe('sha256Hex', () => {
  it('is SHA-256 as node computes it, for ASCII, Chinese and lengths around the padding', () => {
    for (const text of [
      '',
      'abc',
      '五星支部',
      'a'.repeat(55),
      'a'.repeat(56),
      'a'.repeat(64),
      'x'.repeat(1000),
      '😀',
    ]) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });
});

describe('the province spot-check draw', () => {
  it('is reproducible: the same seed, round and branch draw the same, and a shell can recompute it', () => {
    const value = spotCheckValue(spot.seed, 'r-2026', '411099100201');
    expect(spotCheckValue(spot.seed, 'r-2026', '411099100201')).toBe(value);
    const hex = createHash('sha256').update(`${spot.seed}:r-2026:411099100201`).digest('hex');
    expect(value).toBe(parseInt(hex.slice(0, 13), 16) / 16 ** 13);
    expect(spotCheckValue('another seed', 'r-2026', '411099100201')).not.toBe(value);
  });

  it('samples about its share of many branch codes, and nobody below its star level', () => {
    for (const share of [0.1, 0.3, 0.5]) {
      const sampled = codes.filter((c) => drawSpotCheck({ ...spot, share }, 'r-2026', c, 5).sampled);
      expect(Math.abs(sampled.length / codes.length - share)).toBeLessThan(0.03);
    }
    expect(codes.some((c) => drawSpotCheck({ ...spot, share: 1 }, 'r-2026', c, 4).sampled)).toBe(false);
    expect(codes.every((c) => drawSpotCheck({ ...spot, share: 1 }, 'r-2026', c, 5).sampled)).toBe(true);
    expect(codes.some((c) => drawSpotCheck({ ...spot, share: 0 }, 'r-2026', c, 5).sampled)).toBe(false);
  });

  it('records why, sampled or not', () => {
    expect(drawSpotCheck(spot, 'r-2026', '411099100201', 4)).toEqual({
      level: 4,
      minStars: 5,
      share: 0.3,
      draw: null,
      sampled: false,
      reason: '推荐4星，低于省抽查的5星，不在抽查范围',
    });
    const drawn = codes.map((c) => drawSpotCheck(spot, 'r-2026', c, 5));
    const inDraw = drawn.find((d) => d.sampled)!;
    const outDraw = drawn.find((d) => !d.sampled)!;
    expect(inDraw.reason).toBe(`抽签值${inDraw.draw!.toFixed(6)}小于抽查比例30%，列入省抽查`);
    expect(outDraw.reason).toBe(`抽签值${outDraw.draw!.toFixed(6)}不小于抽查比例30%，未抽中`);
  });
});

describe('the chain of steps', () => {
  it("is today's order in the default chain, whatever the stars", () => {
    for (const level of [0, 5]) {
      const walked = CORE_STEPS.map((s) => stepAfter(DEFAULT_CHAIN, s, at(level)));
      expect(walked).toEqual([...CORE_STEPS.slice(1), null].map((next) => ({ next, draw: null })));
    }
  });

  it("sends a branch put forward with the re-check's stars to the city, and the province's pool to the draw", () => {
    expect(stepAfter(chain, 'ON_SITE_OBSERVATION', at(3))).toEqual({
      next: 'AWARD',
      draw: expect.objectContaining({ sampled: false, draw: null }),
    });
    expect(stepAfter(chain, 'ON_SITE_OBSERVATION', at(4))).toEqual({ next: 'CITY_RECHECK', draw: null });
    const sampled = codes.find((c) => drawSpotCheck(spot, 'r-2026', c, 5).sampled)!;
    const unsampled = codes.find((c) => !drawSpotCheck(spot, 'r-2026', c, 5).sampled)!;
    expect(stepAfter(chain, 'CITY_RECHECK', at(5, sampled)).next).toBe('PROVINCE_SPOT_CHECK');
    expect(stepAfter(chain, 'CITY_RECHECK', at(5, unsampled)).next).toBe('AWARD');
    expect(stepAfter(chain, 'PROVINCE_SPOT_CHECK', at(5)).next).toBe('AWARD');
    const noCity = { ...chain, cityRecheck: null };
    expect(stepAfter(noCity, 'ON_SITE_OBSERVATION', at(5, sampled)).next).toBe('PROVINCE_SPOT_CHECK');
  });

  it('drops the verdicts above a step passed again, and returns only to a template step passed through', () => {
    expect(staleAfter('ON_SITE_OBSERVATION')).toEqual(['CITY_RECHECK', 'PROVINCE_SPOT_CHECK']);
    expect(staleAfter('CITY_RECHECK')).toEqual(['PROVINCE_SPOT_CHECK']);
    expect(staleAfter('COUNTY_PRE_REVIEW')).toEqual([]);
    expect(returnRefusal('CITY_RECHECK', {})).toEqual({
      type: 'Invalid',
      message: '该支部本轮未经过市复核，不能退回到该环节',
      field: 'returnTo',
    });
    expect(returnRefusal('CITY_RECHECK', { CITY_RECHECK: [] })).toBeNull();
    expect(returnRefusal('COUNTY_PRE_REVIEW', {})).toBeNull();
    expect(returnRefusal(undefined, {})).toBeNull();
  });
});
