/**
 * The framework-agnostic SDK: import from `nestjs-authing/sdk` in any Node program that does not use
 * NestJS; the main entry re-exports all of it.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export { isSuccess } from './envelope.js';
export type { AuthingResponse, Paginated, PaginationOptions } from './envelope.js';
export type { HttpMethod, EndpointSpec, QueryParam, ArgsLocation, PreparedCall } from './catalogue/endpoint.js';
export type { QueryValue, JsonObject, ArgsOf } from './catalogue/types.js';
export { MANAGEMENT_ENDPOINTS } from './catalogue/management.catalogue.js';
export type * from './catalogue/management.api.js';
export type * from './management/management-api-types.js';
export { ManagementClient, DEFAULT_MANAGEMENT_HOST } from './management/management-client.js';
export type { ManagementClientOptions, RawManagementRequest } from './management/management-client.js';
export type { PaginateOptions, PaginatedMethod, PageItem, QueryParamName } from './management/paginate.js';
export type { AuthingLang, TransportOptions } from './transport/http-transport.js';
export type { RetryOptions } from './transport/retry.js';
export { SDK_VERSION } from './version.js';
export { AUTHENTICATION_ENDPOINTS } from './catalogue/authentication.catalogue.js';
export type * from './catalogue/authentication.api.js';
export type * from './authentication/end-user-api-types.js';
export { AuthenticationClient } from './authentication/authentication-client.js';
export type {
  AuthenticationClientOptions,
  AuthingProtocol,
  EndpointAuthMethod,
} from './authentication/client-options.js';
export type { AuthorizeUrlOptions, AuthorizeUrlResult, LogoutUrlOptions } from './authentication/authorize-url.js';
export type { OidcTokenSet, OAuthErrorBody, IntrospectionResult, UserInfo } from './authentication/token-endpoints.js';
export type { ExpectedCallback, LoginResult } from './authentication/redirect-callback.js';
export type { CasV1Result } from './authentication/cas.js';
export type { PhonePassCode, SignUpExtras } from './authentication/sign-in.js';
export { AuthingCallbackError } from './authentication/callback-error.js';
export type { CallbackFailure } from './authentication/callback-error.js';
export { createPkcePair } from './authentication/pkce.js';
export { AuthingTokenError } from './tokens/errors.js';
export type { TokenCheck } from './tokens/errors.js';
export type { TokenClaims, IdTokenClaims, AccessTokenClaims, JsonWebKeySet, JsonWebKeyEntry } from './tokens/claims.js';
export type { TokenSigningAlg, VerifyIdTokenOptions } from './tokens/token-verifier.js';
export type { Unsubscribe } from './events/subscription.js';
