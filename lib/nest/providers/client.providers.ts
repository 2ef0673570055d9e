import { Logger, Scope, type Provider } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { AuthenticationClient, ManagementClient, type AuthenticationClientOptions } from '../../sdk/index.js';
import { AUTHING_RESOLVED_OPTIONS, AUTHING_ROOT_CLIENT } from '../constants.js';
import type { AuthingRequest } from '../request/request-context.js';
import type { AuthingModuleOptions } from '../options/authing-options.interface.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import {
  AUTH_METHOD_OPTIONS,
  pickDefined,
  resolveAuthingOptions,
  toConfigurationError,
} from '../options/validate-options.js';
import { AuthingClients } from './authing-clients.service.js';
import { unconfiguredManagementClient } from './unconfigured-management-client.js';

/** The connection settings the ManagementClient shares with the AuthenticationClient. */
const TRANSPORT_KEYS = ['timeout', 'rejectUnauthorized', 'lang', 'retry'] as const;

/** Validates the raw options at start-up; a bad option stops the boot with a message naming it. */
export function createResolvedOptions(raw: AuthingModuleOptions): ResolvedAuthingOptions {
  const { resolved, unknown } = resolveAuthingOptions(raw);
  if (unknown.length > 0) {
    new Logger('AuthingModule').warn(`Unknown option(s) ignored: ${unknown.map((k) => `"${k}"`).join(', ')}`);
  }
  return resolved;
}

/** The shared root AuthenticationClient: one connection pool, JWKS cache and verified-token cache. */
export function createRootClient(options: ResolvedAuthingOptions): AuthenticationClient {
  const sdkOptions: AuthenticationClientOptions = { ...options.client, protocol: 'oidc' };
  if (sdkOptions.appSecret === undefined) {
    // A bearer-only API has no secret. The endpoints that would need one are refused where the module
    // uses them (AuthingConfigurationError naming appSecret); called directly, this client is public.
    for (const key of AUTH_METHOD_OPTIONS) sdkOptions[key] ??= 'none';
  }
  try {
    return new AuthenticationClient(sdkOptions);
  } catch (error) {
    throw toConfigurationError(error);
  }
}

/** The ManagementClient, or a stand-in that explains, at use, that no credentials were configured. */
export function createManagementClient(options: ResolvedAuthingOptions): ManagementClient {
  if (!options.management) return unconfiguredManagementClient();
  try {
    return new ManagementClient({ ...pickDefined(options.client, TRANSPORT_KEYS), ...options.management });
  } catch (error) {
    throw toConfigurationError(error);
  }
}

/** Providers of the options and clients; `optionsToken` is the ConfigurableModuleBuilder's token. */
export function clientProviders(optionsToken: string | symbol): Provider[] {
  return [
    { provide: AUTHING_RESOLVED_OPTIONS, useFactory: createResolvedOptions, inject: [optionsToken] },
    { provide: AUTHING_ROOT_CLIENT, useFactory: createRootClient, inject: [AUTHING_RESOLVED_OPTIONS] },
    { provide: ManagementClient, useFactory: createManagementClient, inject: [AUTHING_RESOLVED_OPTIONS] },
    {
      // Request-scoped: whoever injects it becomes request-scoped too (scope bubbling). Where that
      // matters, use AuthingClients.forRequest(req) or the @AuthingClient() parameter decorator.
      provide: AuthenticationClient,
      scope: Scope.REQUEST,
      useFactory: (clients: AuthingClients, request: AuthingRequest) => clients.forRequest(request),
      inject: [AuthingClients, REQUEST],
    },
  ];
}
