import type { ChainTemplate, NamingScope } from '@fivestar/contracts';

/** The chain as the campaign form holds it: today's chain unless `custom`, each stage on or off. */
export interface ChainForm {
  custom: boolean;
  observers: { county: boolean; city: boolean };
  cityRecheck: { on: boolean; minStars: number; workingDays: number };
  spotCheck: { on: boolean; minStars: number; percent: number; seed: string; workingDays: number };
  naming: Record<NamingScope, { on: boolean; fromLevel: number }>;
}

/** Where a custom chain starts: 市复核 from 3 stars, 省抽查 of a tenth from 4, the city names 4, the province 5. */
export const defaultChainForm = (seed: string): ChainForm => ({
  custom: false,
  observers: { county: true, city: true },
  cityRecheck: { on: true, minStars: 3, workingDays: 10 },
  spotCheck: { on: true, minStars: 4, percent: 10, seed, workingDays: 10 },
  naming: { city: { on: true, fromLevel: 4 }, province: { on: true, fromLevel: 5 } },
});

const OBSERVER_LEVELS = ['county', 'city'] as const;
const NAMING_SCOPES: NamingScope[] = ['city', 'province'];

/** The request's `chain`: none for today's chain (the server's default), else the stages switched on. */
export function toChain(form: ChainForm): ChainTemplate | undefined {
  if (!form.custom) return undefined;
  const { cityRecheck, spotCheck } = form;
  return {
    observers: OBSERVER_LEVELS.filter((level) => form.observers[level]),
    cityRecheck: cityRecheck.on
      ? { minStars: cityRecheck.minStars, due: { workingDays: cityRecheck.workingDays } }
      : null,
    provinceSpotCheck: spotCheck.on
      ? {
          minStars: spotCheck.minStars,
          share: spotCheck.percent / 100,
          seed: spotCheck.seed,
          due: { workingDays: spotCheck.workingDays },
        }
      : null,
    naming: NAMING_SCOPES.filter((scope) => form.naming[scope].on).map((scope) => ({
      fromLevel: form.naming[scope].fromLevel,
      scope,
    })),
  };
}
