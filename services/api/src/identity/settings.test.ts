import { identitySettingsFromEnv } from './settings';

describe('identity settings from the environment', () => {
  it('takes the variables that are set', () => {
    expect(identitySettingsFromEnv({ ACCESS_TOKEN_TTL_SECONDS: '60', LOGIN_LOCK_SECONDS: '' })).toEqual({
      accessTtlSeconds: 60,
    });
  });

  it('refuses a value that is not a positive integer', () => {
    expect(() => identitySettingsFromEnv({ LOGIN_MAX_FAILURES: '0' })).toThrow(/LOGIN_MAX_FAILURES/);
    expect(() => identitySettingsFromEnv({ REFRESH_TOKEN_TTL_SECONDS: '1.5' })).toThrow();
  });
});
