import { edgeSettingsFromEnv, parseOrigins } from './limits';

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
});
