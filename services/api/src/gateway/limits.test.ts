import { edgeSettingsFromEnv, parseOrigins, parseTrustedProxies, trustProxy } from './limits';

describe('edge settings from the environment', () => {
  it('reads the counts and the CORS origins; leaves out what is not given', () => {
    expect(
      edgeSettingsFromEnv({
        RATE_LIMIT_LOGIN_PER_ADDRESS: '20',
        RATE_LIMIT_URGE_PER_USER: '5',
        RATE_LIMIT_WINDOW_SECONDS: '',
        CORS_ORIGINS: 'https://console.example, http://127.0.0.1:5173',
      }),
    ).toEqual({
      loginPerAddress: 20,
      urgePerUser: 5,
      corsOrigins: ['https://console.example', 'http://127.0.0.1:5173'],
    });
    expect(edgeSettingsFromEnv({})).toEqual({});
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => edgeSettingsFromEnv({ RATE_LIMIT_REFRESH_PER_ADDRESS: '0' })).toThrow(
      /RATE_LIMIT_REFRESH_PER_ADDRESS/,
    );
    expect(() => edgeSettingsFromEnv({ RATE_LIMIT_LOGIN_PER_USERNAME: '2.5' })).toThrow(/positive integer/);
  });

  it('takes only exact origins: no wildcard, path or trailing slash', () => {
    for (const bad of ['*', 'https://console.example/', 'https://console.example/app', 'console.example']) {
      expect(() => parseOrigins(bad)).toThrow(/CORS_ORIGINS/);
    }
    expect(parseOrigins(' , https://a.example ,')).toEqual(['https://a.example']);
  });

  it('trusts X-Forwarded-For from no proxy unless addresses or CIDRs are configured', () => {
    expect(trustProxy(undefined)).toBe(false);
    expect(trustProxy([])).toBe(false);
    expect(edgeSettingsFromEnv({ TRUSTED_PROXIES: ' 10.0.0.5, 192.168.0.0/16 ,fd00::/8,' })).toEqual({
      trustedProxies: ['10.0.0.5', '192.168.0.0/16', 'fd00::/8'],
    });
    expect(trustProxy(parseTrustedProxies('127.0.0.1'))).toEqual(['127.0.0.1']);
    for (const bad of ['loopback', 'proxy.example', '*', '10.0.0.0/33', '::1/129', '10.0.0.0/8/1', '1.2.3']) {
      expect(() => parseTrustedProxies(bad)).toThrow(/TRUSTED_PROXIES/);
    }
  });
});
