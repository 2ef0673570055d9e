import type { JsonWebKeySet } from '../tokens/claims.js';
import type { TokenSigningAlg } from '../tokens/token-verifier.js';
import type { TransportOptions } from '../transport/http-transport.js';

export type AuthingProtocol = 'oidc' | 'oauth' | 'cas' | 'saml';
export type EndpointAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none';

/** Options of `AuthenticationClient`, as in Authing's SDK documentation. */
export interface AuthenticationClientOptions extends TransportOptions {
  /** The application id. */
  appId: string;
  /** The application secret; needed unless every endpoint auth method is `none`. */
  appSecret?: string;
  /** The application's origin, e.g. `https://example.authing.cn`. */
  appHost: string;
  /** Login callback URL, as configured in the console. */
  redirectUri?: string;
  /** Where Authing sends the browser after logout. */
  logoutRedirectUri?: string;
  /** Default `openid profile`. */
  scope?: string;
  /** Default `oidc`. */
  protocol?: AuthingProtocol;
  /** Client authentication at the token endpoint (and for sign-in). Default `client_secret_post`. */
  tokenEndPointAuthMethod?: EndpointAuthMethod;
  /** Default `client_secret_post`. */
  introspectionEndPointAuthMethod?: EndpointAuthMethod;
  /** Default `client_secret_post`. */
  revocationEndPointAuthMethod?: EndpointAuthMethod;
  /** The end user's access token, as if passed to `setAccessToken`. */
  accessToken?: string;
  /** Keys to verify tokens with, offline; when set the JWKS endpoint is never called. */
  serverJWKS?: JsonWebKeySet;
  /** Algorithm of the app's id_tokens (console: id_token signing algorithm). Default `RS256`. */
  idTokenSigningAlg?: TokenSigningAlg;
  /** Algorithm of the app's access tokens. Default `RS256`. */
  accessTokenSigningAlg?: TokenSigningAlg;
  /** Seconds of clock skew tolerated when checking `exp`, `nbf` and `iat`. Default 30. */
  clockTolerance?: number;
  /** Event socket origin of {@link (AuthenticationClient:class).sub}; default `wss://openevent.authing.cn`. */
  socketUri?: string;
  /** Reconnections of a lost event socket before `errCallback` is called; default 5. */
  retryTimes?: number;
  /** Minimum ms between JWKS fetches caused by unknown key ids. Default 30000. */
  jwksRefetchInterval?: number;
  /** Age in ms after which the JWKS is refreshed in the background (at most once per `jwksRefetchInterval`). Default 600000. */
  jwksMaxAge?: number;
  /** Verified access tokens remembered (by hash) until they expire; 0 disables. Default 10000. */
  verifiedTokenCacheSize?: number;
}
