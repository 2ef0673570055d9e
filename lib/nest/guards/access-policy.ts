import { Inject, Injectable, Logger, Optional, type ExecutionContext, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { AuthingHttpError, AuthingNetworkError } from '../../sdk/index.js';
import { AuthingAuthenticator } from '../authentication/authing-authenticator.service.js';
import { AuthingRolesService } from '../roles/authing-roles.service.js';
import type { AuthingUser } from '../user/authing-user.js';
import { AUTHING_RESOLVED_OPTIONS, OPTIONAL_AUTH_KEY, PUBLIC_KEY } from '../constants.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { AuthingAuthorization } from '../authorization/authing-authorization.service.js';
import {
  checkRoute,
  checkRouteCached,
  onlyResourceQuestions,
  type RouteCheckDeps,
} from '../authorization/check-route.js';
import { readRequirements, type RouteRequirements } from '../authorization/route-requirements.js';
import { resolveTransport, type AuthingRequest, type AuthingTransport } from '../request/request-context.js';
import { attachUser, attachedUser, exposeUserOnRequests } from '../request/request-state.js';
import { AUTHING_TENANCY, type TenancyDispatch } from '../tenancy/tenancy-dispatch.js';
import { crossSiteRefused, loadWsException, unauthorized, unavailable, unsupportedContext } from './guard-errors.js';

/** A context the guards can authenticate (RPC and unknown ones are refused). */
export type KnownTransport = Exclude<AuthingTransport, { kind: 'unknown' }>;

/** What a route's decorators ask of the guards. */
export interface RouteAccess {
  isPublic: boolean;
  optional: boolean;
  /** `@Roles()`, `@Permissions()` and `@ResourceAccess()` of the controller and handler, merged. */
  requirements: RouteRequirements | undefined;
  hasRequirements: boolean;
}

/**
 * Internal, shared by AuthingGuard and AuthingRolesGuard: authentication (memoised per request)
 * and the `@Roles()` / `@Permissions()` check.
 */
@Injectable()
export class AuthingAccessPolicy implements OnModuleInit {
  readonly #logger = new Logger('AuthingGuard');
  readonly #routes = new WeakMap<object, WeakMap<object, RouteAccess>>();
  readonly #checkDeps: RouteCheckDeps;
  readonly #adapterHost: HttpAdapterHost | undefined;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthingAuthenticator) private readonly authenticator: AuthingAuthenticator,
    @Inject(AuthingRolesService) roles: AuthingRolesService,
    @Inject(AuthingAuthorization) authorization: AuthingAuthorization,
    @Inject(AUTHING_RESOLVED_OPTIONS) options: ResolvedAuthingOptions,
    @Optional() @Inject(AUTHING_TENANCY) tenancy?: TenancyDispatch,
    @Optional() @Inject(HttpAdapterHost) adapterHost?: HttpAdapterHost,
  ) {
    // A private field: renderings of this service must not walk the application's HTTP adapter.
    this.#adapterHost = adapterHost;
    this.#checkDeps = {
      tenancy: tenancy?.enabled ? tenancy : undefined,
      roles,
      authorization,
      rolesNamespace: options.roles.namespace,
      resourceNamespace: options.authorization.namespace,
      resourceApi: options.authorization.api,
    };
  }

  /** On Express, `req.user` reads the attached user, so the warm path adds no property to requests. */
  onModuleInit(): void {
    const adapter = this.#adapterHost?.httpAdapter;
    if (adapter?.getType() === 'express') exposeUserOnRequests(adapter.getInstance());
  }

  /**
   * The route's access metadata, read once per handler and class: decorators are applied at class
   * definition, so it never changes, and reflection lookups on every request are measurable.
   */
  routeOf(context: ExecutionContext): RouteAccess {
    const handler = context.getHandler() as object | undefined;
    const type = context.getClass() as object | undefined;
    if (typeof handler !== 'function' || typeof type !== 'function') return this.#readRoute(handler, type);
    let byClass = this.#routes.get(handler);
    if (!byClass) this.#routes.set(handler, (byClass = new WeakMap()));
    let route = byClass.get(type);
    if (!route) byClass.set(type, (route = this.#readRoute(handler, type)));
    return route;
  }

  /** The transport of a context; unknown ones (RPC...) throw: they are refused, never let through. */
  transportOf(context: ExecutionContext): KnownTransport | Promise<KnownTransport> {
    const transport = resolveTransport(context);
    if (transport.kind === 'unknown') throw unsupportedContext(transport.type);
    // Only a WebSocket context needs the (lazily imported) WsException; HTTP stays synchronous.
    if (transport.kind === 'ws') return loadWsException().then(() => transport);
    return transport;
  }

  /**
   * The synchronous warm path of {@link AuthingGuard}, for a route without role or permission
   * requirements: true when the HTTP or GraphQL request carries an already verified bearer token
   * (the user is then attached to it).
   */
  authenticateCached(request: AuthingRequest): boolean {
    const user = this.authenticator.authenticateCached(request);
    if (!user) return false;
    attachUser(request, user);
    return true;
  }

  /**
   * The synchronous warm path for a route with requirements: true when the request carries an
   * already verified bearer token and every requirement is met by answers still remembered (see
   * {@link checkRouteCached}); the user is then attached.
   */
  authorizeCached(route: RouteAccess, request: AuthingRequest): boolean {
    if (!route.requirements) return this.authenticateCached(request);
    if (!onlyResourceQuestions(route.requirements)) return false;
    const user = this.authenticator.authenticateCached(request);
    if (!user || checkRouteCached(this.#checkDeps, request, user, route.requirements) !== true) return false;
    attachUser(request, user);
    return true;
  }

  /**
   * Authenticates the request and attaches the user. Throws 401 / 503 in the caller's transport,
   * unless `optional`: then the request goes on anonymously (user `null`).
   */
  async authenticate(transport: KnownTransport, optional: boolean): Promise<AuthingUser | null> {
    // A WebSocket client lives across messages: its token is checked again for every message.
    const perMessage = transport.kind === 'ws';
    const already = perMessage ? undefined : attachedUser(transport.carrier);
    if (already) return already;
    const result = await this.authenticator.authenticate(transport.request, { memoise: !perMessage });
    if (result.status === 'authenticated') {
      // The session cookie travels with any request the browser makes, whoever made the page that
      // caused it: an unsafe one must come from this application's origin (CSRF).
      if (result.user.via === 'session' && !perMessage) {
        const refusal = this.authenticator.crossSiteRefusal(transport.request);
        if (refusal) throw crossSiteRefused(transport, refusal);
      }
      attachUser(transport.carrier, result.user);
      return result.user;
    }
    if (optional) {
      if (result.status === 'unavailable')
        this.#logger.warn('Optional authentication skipped: identity server unreachable');
      attachUser(transport.carrier, null);
      return null;
    }
    if (result.status === 'unavailable') throw unavailable(transport, result.description);
    throw unauthorized(transport, result.status === 'invalid' ? result : undefined);
  }

  /**
   * Checks `@Roles()`, `@Permissions()` and `@ResourceAccess()`; throws 403 naming the failed
   * requirement (400 when a resource id is missing), or 503 if Authing is unreachable.
   */
  authorize(route: RouteAccess, transport: KnownTransport, user: AuthingUser | null): void | Promise<void> {
    // Most routes have no requirement: answer synchronously rather than through another promise.
    if (!route.requirements) return;
    return this.#authorize(transport, user, route.requirements);
  }

  async #authorize(
    transport: KnownTransport,
    user: AuthingUser | null,
    requirements: RouteRequirements,
  ): Promise<void> {
    if (!user) throw unauthorized(transport);
    try {
      await checkRoute(this.#checkDeps, transport, user, requirements);
    } catch (error) {
      // Unreachable, or answering something that is not Authing (5xx, 429, an HTML page): 503, not 500.
      if (error instanceof AuthingNetworkError || error instanceof AuthingHttpError) {
        this.#logger.warn(`Authorization lookup failed: ${error.message}`);
        throw unavailable(transport, 'the identity server could not be reached');
      }
      throw error;
    }
  }

  #readRoute(handler: object | undefined, type: object | undefined): RouteAccess {
    const targets = [handler, type].filter((t): t is object => t !== undefined) as Parameters<
      Reflector['getAllAndOverride']
    >[1];
    const read = <T>(key: string): T | undefined => this.reflector.getAllAndOverride<T | undefined>(key, targets);
    const requirements = readRequirements(this.reflector, handler, type);
    return {
      isPublic: read<boolean>(PUBLIC_KEY) === true,
      optional: read<boolean>(OPTIONAL_AUTH_KEY) === true,
      requirements,
      hasRequirements: requirements !== undefined,
    };
  }
}
