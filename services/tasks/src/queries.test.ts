import { RequestError } from '@fivestar/platform';
import { progressScope } from './queries';

const viewer = (jurisdiction: string) => ({ userId: 'u', role: 'coordinator' as const, jurisdiction });

describe('progressScope', () => {
  it("is the viewer's jurisdiction when nothing narrows it", () => {
    expect(progressScope({ viewer: viewer('330102') })).toBe('330102');
    expect(progressScope({ viewer: viewer('330102001') })).toBe('330102001');
    expect(progressScope({ viewer: viewer('330102001001') })).toBe('330102001001');
  });

  it('narrows to a requested county or township inside the jurisdiction', () => {
    expect(progressScope({ viewer: viewer('330102'), countyCode: '330102' })).toBe('330102');
    expect(progressScope({ viewer: viewer('330102'), townshipCode: '330102002' })).toBe('330102002');
    expect(progressScope({ viewer: viewer('330102'), countyCode: '330102', townshipCode: '330102002' })).toBe(
      '330102002',
    );
  });

  it('keeps a narrower viewer to its own jurisdiction when asked for more', () => {
    expect(progressScope({ viewer: viewer('330102001'), countyCode: '330102' })).toBe('330102001');
    expect(progressScope({ viewer: viewer('330102001001'), townshipCode: '330102001' })).toBe('330102001001');
  });

  it('refuses codes off the viewer’s path', () => {
    const bad = [
      { viewer: viewer('330102'), countyCode: '330103' },
      { viewer: viewer('330102'), townshipCode: '330103001' },
      { viewer: viewer('330102001'), townshipCode: '330102002' },
      { viewer: viewer('330102'), countyCode: '330102', townshipCode: '330199001' },
    ];
    for (const req of bad) {
      expect(() => progressScope(req)).toThrow(RequestError);
      expect(() => progressScope(req)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    }
  });
});
