import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import type { AuthenticationClient } from '../../sdk/index.js';
import { ManagementClient } from '../../sdk/index.js';
import { AUTHING_RESOLVED_OPTIONS, AUTHING_ROOT_CLIENT } from '../constants.js';
import { defaultExtractToken, isRequest, type AuthingRequest } from '../request/request-context.js';
import { attachedUser } from '../request/request-state.js';
import { RequestMemo } from '../request/request-memo.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { readLogin } from '../session/authing-session.js';
import { AUTHING_TENANCY, type TenancyDispatch } from '../tenancy/tenancy-dispatch.js';
import { isManagementConfigured } from './unconfigured-management-client.js';
import { registerClients, registerServer, unregisterClients } from '../decorators/client-lookup.js';
import { claimHosts } from './claim-hosts.js';

/**
 * The module's clients, as a singleton: the shared root {@link (AuthenticationClient:class)}, the
 * {@link (ManagementClient:class)}, and {@link AuthingClients.forRequest} to get the end user's client for one request
 * without making the caller request-scoped. Closes the clients' connection pools at shutdown.
 */
@Injectable()
export class AuthingClients implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  readonly #perRequest = new RequestMemo<AuthenticationClient>('client');
  /** Makes a request's client; one function for all requests, so no closure is made per request. */
  readonly #newClient = (request: object): AuthenticationClient => {
    const http = request as AuthingRequest;
    const tenant = this.tenancy?.enabled ? this.tenancy.contextOf(http) : undefined;
    return (tenant?.root ?? this.root).withAccessToken(this.accessTokenOf(http));
  };
  readonly #logger = new Logger('AuthingModule');
  #closing = false;
  /** With the `tenancy` option: a tenant's requests get that tenant's client and session slot. */
  @Optional() @Inject(AUTHING_TENANCY) private readonly tenancy?: TenancyDispatch;
  /** The HTTP server of the application, and whether other instances serve it too (`@AuthingClient()`). */
  #server: object | undefined;
  #shared: Set<AuthingClients> | undefined;
  readonly #adapterHost: HttpAdapterHost | undefined;
  readonly #modules: ModulesContainer | undefined;

  constructor(
    @Inject(AUTHING_RESOLVED_OPTIONS) private readonly options: ResolvedAuthingOptions,
    /** The shared client without an end-user token: hosted login, token verification, sign-in. */
    @Inject(AUTHING_ROOT_CLIENT) readonly root: AuthenticationClient,
    @Inject(ManagementClient) private readonly managementClient: ManagementClient,
    @Optional() @Inject(HttpAdapterHost) adapterHost?: HttpAdapterHost,
    @Optional() @Inject(ModulesContainer) modules?: ModulesContainer,
  ) {
    // Private fields: the application's whole module graph must not show in renderings of this service.
    this.#adapterHost = adapterHost;
    this.#modules = modules;
    registerClients(this);
  }

  /** The administrator's client. Throws a clear error at use when no management credentials are configured. */
  get management(): ManagementClient {
    return this.managementClient;
  }

  /** Whether management credentials were configured. */
  get hasManagement(): boolean {
    return isManagementConfigured(this.managementClient);
  }

  /**
   * The end user's client for this request, carrying their access token (the authenticated user's,
   * else the bearer header's, else the session's). Created once per request and cheap: it shares the
   * root's connection pool and caches. (On Express, a call made after the request's response has
   * ended, once the next request on its connection has asked for its own, gets a new client carrying
   * the same token.)
   */
  forRequest(request: AuthingRequest | { req: AuthingRequest }): AuthenticationClient {
    const http = unwrap(request);
    if (!http) return this.root.withAccessToken(undefined);
    return this.#perRequest.of(http, this.#newClient);
  }

  /** The access token a request carries: the authenticated user's, the bearer header's, or the session's. */
  accessTokenOf(request: AuthingRequest): string | undefined {
    const user = attachedUser(request);
    if (user?.accessToken) return user.accessToken;
    const extract = this.options.extractToken ?? defaultExtractToken;
    const tenant = this.tenancy?.enabled ? this.tenancy.contextOf(request) : undefined;
    return extract(request) ?? readLogin(request, tenant?.options.sessionKey ?? this.options.sessionKey)?.accessToken;
  }

  onModuleInit(): void {
    const server = this.#adapterHost?.httpAdapter?.getHttpServer?.() as object | undefined;
    if (typeof server !== 'object' || server === null) return;
    this.#server = server;
    this.#shared = registerServer(this, server);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.#loadSigningKeys();
    // Several AuthingModule instances in one application: each claims the controllers that resolve to it.
    if (this.#server && this.#modules && this.#shared && this.#shared.size > 1) {
      await claimHosts(this.#modules, this.#server, this);
    }
  }

  #loadSigningKeys(): void {
    if (!this.options.loadSigningKeysOnStart || this.options.tokenValidation === 'introspection') return;
    if (this.options.client.serverJWKS) return;
    // Not awaited: an unreachable identity server must not keep the application from starting.
    this.root.loadSigningKeys().catch((error: unknown) => {
      if (this.#closing) return;
      this.#logger.warn(
        `Could not load the signing keys from ${this.root.appHost}: ${(error as Error)?.message ?? error}. ` +
          'Token checks will answer 503 until the identity server is reachable.',
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.#closing = true;
    unregisterClients(this, this.#server);
    const closing = [this.root.close()];
    if (this.hasManagement) closing.push(this.managementClient.close());
    await Promise.allSettled(closing);
  }
}

function unwrap(request: unknown): AuthingRequest | undefined {
  if (isRequest(request)) return request;
  if (typeof request !== 'object' || request === null) return undefined;
  // GraphQL: REQUEST is the context object, whose `req` is the HTTP request.
  const inner = (request as { req?: unknown }).req;
  return isRequest(inner) ? inner : undefined;
}
