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
export type * from './management/core-types.js';
export { ManagementClient, DEFAULT_MANAGEMENT_HOST } from './management/management-client.js';
export type { ManagementClientOptions, RawManagementRequest } from './management/management-client.js';
export { AuthingApiError } from './management/paginate.js';
export type { PaginateOptions, PaginatedMethod, PageItem } from './management/paginate.js';
export type { AuthingLang, TransportOptions } from './transport/http-transport.js';
export type { RetryOptions } from './transport/retry.js';
export { buildStringToSign, canonicalResource, sign } from './signing/signature.js';
export { SDK_VERSION } from './version.js';
