import { identitySettingsFromEnv } from './settings';

describe('identity settings from the environment', () => {
  it('takes the variables that are set', () => {
    expect(identitySettingsFromEnv({ ACCESS_TOKEN_TTL_SECONDS: '60', LOGIN_LOCK_SECONDS: '' })).toEqual({
      accessTtlSeconds: 60,
    });
    expect(
      identitySettingsFromEnv({ LOGIN_NAME_MAX_FAILURES: '200', LOGIN_NAME_WINDOW_SECONDS: '1800' }),
    ).toEqual({ nameMaxFailures: 200, nameWindowSeconds: 1800 });
  });

  it('refuses a value that is not a positive integer', () => {
    expect(() => identitySettingsFromEnv({ LOGIN_MAX_FAILURES: '0' })).toThrow(/LOGIN_MAX_FAILURES/);
    expect(() => identitySettingsFromEnv({ REFRESH_TOKEN_TTL_SECONDS: '1.5' })).toThrow();
    expect(() => identitySettingsFromEnv({ LOGIN_NAME_MAX_FAILURES: '-1' })).toThrow(/LOGIN_NAME_MAX/);
  });
});
