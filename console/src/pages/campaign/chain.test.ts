import { OpenCampaignRequest } from '@fivestar/contracts';
import { defaultChainForm, toChain } from './chain';

const request = (chain: unknown) =>
  OpenCampaignRequest.safeParse({ provinceCode: '41', year: 2026, title: '创建', chain });

describe('the campaign form’s chain', () => {
  it('is today’s chain (none sent) unless the form asks for its own', () => {
    expect(toChain(defaultChainForm('s1'))).toBeUndefined();
  });

  it('sends the stages switched on, valid for the contract', () => {
    const chain = toChain({ ...defaultChainForm('s1'), custom: true });
    expect(chain).toEqual({
      observers: ['county', 'city'],
      cityRecheck: { minStars: 3, due: { workingDays: 10 } },
      provinceSpotCheck: { minStars: 4, share: 0.1, seed: 's1', due: { workingDays: 10 } },
      naming: [
        { fromLevel: 4, scope: 'city' },
        { fromLevel: 5, scope: 'province' },
      ],
    });
    expect(request(chain).success).toBe(true);
  });

  it('leaves out the stages switched off, and the contract names a naming out of order', () => {
    const form = defaultChainForm('s1');
    const chain = toChain({
      ...form,
      custom: true,
      observers: { county: true, city: false },
      cityRecheck: { ...form.cityRecheck, on: false },
      spotCheck: { ...form.spotCheck, on: false },
      naming: { city: { on: true, fromLevel: 5 }, province: { on: true, fromLevel: 4 } },
    });
    expect(chain).toMatchObject({ observers: ['county'], cityRecheck: null, provinceSpotCheck: null });
    const parsed = request(chain);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['chain.naming']);
  });
});
