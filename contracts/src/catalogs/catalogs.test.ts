import { Catalog, catalogTasks } from '../catalog';
import { BranchType } from '../directory';
import { DEFAULT_CATALOGS, defaultCatalogFor } from './index';
import enterprise from './enterprise.v1.json';
import organ from './organ.v1.json';
import rural from './rural.v1.json';
import urban from './urban.v1.json';

const expected: Record<BranchType, { id: string; tasks: number; stars: string[] }> = {
  rural: {
    id: 'rural-default',
    tasks: 29,
    stars: ['产业兴旺星', '生态宜居星', '平安法治星', '文明幸福星', '支部过硬星'],
  },
  urban: {
    id: 'urban-default',
    tasks: 27,
    stars: ['共建共享星', '平安法治星', '幸福和谐星', '宜业兴业星', '支部过硬星'],
  },
  organ: {
    id: 'organ-default',
    tasks: 25,
    stars: ['业务突出星', '服务高效星', '文明和谐星', '廉洁法治星', '支部过硬星'],
  },
  enterprise: {
    id: 'enterprise-default',
    tasks: 24,
    stars: ['效益突出星', '制度规范星', '平安法治星', '文明和谐星', '支部过硬星'],
  },
};

describe('default catalogs', () => {
  it('every shipped file parses with the Catalog schema, unchanged by defaults', () => {
    for (const raw of [rural, urban, organ, enterprise]) {
      const r = Catalog.safeParse(raw);
      expect(r.success ? [] : r.error.issues).toEqual([]);
      // The files spell out every field, so parsing adds nothing: the file is the catalog.
      expect(r.data).toEqual(raw);
    }
  });

  it('ships one example catalog per branch type, version 1', () => {
    expect(DEFAULT_CATALOGS.map((c) => c.branchType).sort()).toEqual([...BranchType.options].sort());
    for (const type of BranchType.options) {
      const c = defaultCatalogFor(type)!;
      expect(c).toMatchObject({ id: expected[type].id, version: 1, example: true });
    }
  });

  it.each(BranchType.options)('%s: the key-task count, five stars, one capstone 支部过硬星', (type) => {
    const c = defaultCatalogFor(type)!;
    expect(catalogTasks(c)).toHaveLength(expected[type].tasks);
    expect(c.stars.map((s) => s.name)).toEqual(expected[type].stars);
    const capstones = c.stars.filter((s) => s.capstone);
    expect(capstones.map((s) => s.name)).toEqual(['支部过硬星']);
  });

  it.each(BranchType.options)('%s: codes are unique across stars, tasks, evidence and vetoes', (type) => {
    const c = defaultCatalogFor(type)!;
    const codes = [
      ...c.stars.map((s) => s.code),
      ...catalogTasks(c).flatMap((t) => [
        t.code,
        ...t.evidence.map((e) => e.code),
        ...t.vetoes.map((v) => v.code),
      ]),
    ];
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each(BranchType.options)(
    '%s: every task is backed by 1–3 evidence items; thresholds near 80%%',
    (type) => {
      const c = defaultCatalogFor(type)!;
      for (const t of catalogTasks(c)) {
        expect(t.evidence.length).toBeGreaterThanOrEqual(1);
        expect(t.evidence.length).toBeLessThanOrEqual(3);
        expect(t.evidence.some((e) => e.required)).toBe(true);
        for (const e of t.evidence) expect(e.kinds.length).toBeGreaterThan(0);
      }
      for (const s of c.stars) {
        const total = s.tasks.reduce((sum, t) => sum + t.points, 0);
        expect(s.threshold / total).toBeGreaterThanOrEqual(0.75);
        expect(s.threshold / total).toBeLessThanOrEqual(0.85);
      }
    },
  );

  it('keeps the earlier task codes and points of the rural and urban catalogs', () => {
    const points = (type: BranchType) =>
      Object.fromEntries(catalogTasks(defaultCatalogFor(type)!).map((t) => [t.code, t.points]));
    const earlier = (prefix: string, areas: string[]) =>
      areas.flatMap((a) => [`${prefix}-${a}-1`, `${prefix}-${a}-2`]);
    for (const code of earlier('R', ['IND', 'ECO', 'SAF', 'CIV', 'PTY']))
      expect(points('rural')[code]).toBe(10);
    for (const code of earlier('U', ['COB', 'SAF', 'HAR', 'BUS', 'PTY']))
      expect(points('urban')[code]).toBe(10);
    expect(defaultCatalogFor('rural')!.stars.map((s) => s.code)).toEqual([
      'industry',
      'ecology',
      'safety',
      'civility',
      'party',
    ]);
    expect(defaultCatalogFor('urban')!.stars.map((s) => s.code)).toEqual([
      'co_building',
      'safety',
      'harmony',
      'business',
      'party',
    ]);
  });

  it('the "三零" breach vetoes 平安法治星 where the catalog has it', () => {
    for (const type of ['rural', 'urban'] as const) {
      const safety = defaultCatalogFor(type)!.stars.find((s) => s.code === 'safety')!;
      const vetoes = safety.tasks.flatMap((t) => t.vetoes.map((v) => v.description)).join('；');
      expect(vetoes).toContain('刑事案件');
      expect(vetoes).toContain('信访积案');
      expect(vetoes).toContain('致人死亡');
    }
  });
});
