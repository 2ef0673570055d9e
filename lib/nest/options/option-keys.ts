import type { AuthenticationClientOptions } from '../../sdk/index.js';
import type { AuthingModuleOptions } from './authing-options.interface.js';

/** The options that say which application this is; a tenant may set its own. */
export const CLIENT_IDENTITY_KEYS = [
  'appId',
  'appSecret',
  'appHost',
  'redirectUri',
  'logoutRedirectUri',
  'scope',
  'tokenEndPointAuthMethod',
  'introspectionEndPointAuthMethod',
  'revocationEndPointAuthMethod',
  'serverJWKS',
] as const satisfies readonly (keyof AuthenticationClientOptions)[];

/** The module options that are the shared AuthenticationClient's own. */
export const SDK_KEYS = [
  ...CLIENT_IDENTITY_KEYS,
  'idTokenSigningAlg',
  'accessTokenSigningAlg',
  'clockTolerance',
  'jwksRefetchInterval',
  'jwksMaxAge',
  'verifiedTokenCacheSize',
  'timeout',
  'rejectUnauthorized',
  'lang',
  'retry',
] as const satisfies readonly (keyof AuthenticationClientOptions)[];

/** What the ManagementClient is built from. */
export const MANAGEMENT_KEYS = [
  'accessKeyId',
  'accessKeySecret',
  'host',
] as const satisfies readonly (keyof AuthingModuleOptions)[];

/** How a hosted login is run and where it returns; a tenant may set its own. */
export const LOGIN_FLOW_KEYS = [
  'allowedReturnTo',
  'defaultReturnTo',
  'loginFailureRedirect',
  'pkce',
  'fetchUserInfo',
  'sessionKey',
] as const satisfies readonly (keyof AuthingModuleOptions)[];
