/**
 * The framework-agnostic SDK: import from `nestjs-authing/sdk` in any Node program that does not use
 * NestJS; the main entry re-exports all of it.
 */
export * from './errors.js';
export * from './envelope.js';
export type { HttpMethod, EndpointSpec, QueryParam, ArgsLocation } from './catalogue/endpoint.js';
export type { QueryValue, JsonObject } from './catalogue/types.js';
export { MANAGEMENT_ENDPOINTS } from './catalogue/management.catalogue.js';
export type * from './catalogue/management.api.js';
export type * from './management/management-api-types.js';
export { ManagementClient, DEFAULT_MANAGEMENT_HOST } from './management/management-client.js';
export type { ManagementClientOptions, RawManagementRequest } from './management/management-client.js';
export type { PaginateOptions, PaginatedMethod, PageItem } from './management/paginate.js';
export type { AuthingLang, TransportOptions } from './transport/http-transport.js';
export type { RetryOptions } from './transport/retry.js';
export { buildStringToSign, canonicalResource, sign } from './signing/signature.js';
export { SDK_VERSION } from './version.js';
export { AUTHENTICATION_ENDPOINTS } from './catalogue/authentication.catalogue.js';
export type * from './catalogue/authentication.api.js';
export type * from './authentication/end-user-api-types.js';
export { AuthenticationClient } from './authentication/authentication-client.js';
export type {
  AuthenticationClientOptions,
  AuthingProtocol,
  EndpointAuthMethod,
  AuthorizeUrlOptions,
  AuthorizeUrlResult,
  LogoutUrlOptions,
  OidcTokenSet,
  OAuthErrorBody,
  IntrospectionResult,
  UserInfo,
  ExpectedCallback,
  LoginResult,
  CasV1Result,
} from './authentication/authentication-client.js';
export { AuthingCallbackError } from './authentication/callback-error.js';
export type { CallbackFailure } from './authentication/callback-error.js';
export { createPkcePair } from './authentication/hosted-login.js';
export { AuthingTokenError } from './tokens/errors.js';
export type { TokenCheck } from './tokens/errors.js';
export type { TokenClaims, IdTokenClaims, AccessTokenClaims, JsonWebKeySet, JsonWebKeyEntry } from './tokens/claims.js';
export type { TokenSigningAlg, VerifyIdTokenOptions } from './tokens/token-verifier.js';
