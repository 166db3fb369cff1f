export { tokenIssuer, type TokenIssuer } from './access-token';
export { createApiToken, listApiTokens, revokeApiToken } from './api-tokens';
export { LockedOut } from './lockout';
export { changePassword } from './password';
export { DEFAULT_IDENTITY, identitySettingsFromEnv, type IdentitySettings } from './settings';
export { login, refresh, revokeSessions } from './sessions';
export { createUser, importDirectory, listUsers, updateUser } from './users';
