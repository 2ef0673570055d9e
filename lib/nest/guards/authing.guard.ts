import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthingHttpError, AuthingNetworkError } from '../../sdk/index.js';
import { AuthingAuthenticator } from '../auth/authing-authenticator.service.js';
import { AuthingRolesService } from '../auth/authing-roles.service.js';
import type { AuthingUser } from '../auth/authing-user.js';
import { OPTIONAL_AUTH_KEY, PERMISSIONS_KEY, PUBLIC_KEY, ROLES_KEY } from '../constants.js';
import { attachUser, attachedUser, resolveTransport, type AuthingTransport } from '../context/request-context.js';
import { forbidden, loadWsException, unauthorized, unavailable, unsupportedContext } from './guard-errors.js';

type KnownTransport = Exclude<AuthingTransport, { kind: 'unknown' }>;

/**
 * Shared by {@link AuthingGuard} and {@link AuthingRolesGuard}: authentication (memoised per request)
 * and the `@Roles()` / `@Permissions()` check.
 */
@Injectable()
export class AuthingAccessPolicy {
  readonly #logger = new Logger('AuthingGuard');

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthingAuthenticator) private readonly authenticator: AuthingAuthenticator,
    @Inject(AuthingRolesService) private readonly roles: AuthingRolesService,
  ) {}

  isPublic(context: ExecutionContext): boolean {
    return this.#meta<boolean>(PUBLIC_KEY, context) === true;
  }

  /** The transport of a context; unknown ones (RPC...) throw: they are refused, never let through. */
  async transportOf(context: ExecutionContext): Promise<KnownTransport> {
    const transport = resolveTransport(context);
    if (transport.kind === 'unknown') throw unsupportedContext(transport.type);
    if (transport.kind === 'ws') await loadWsException();
    return transport;
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

  /** Checks `@Roles()` (any of) and `@Permissions()` (all of); throws 403, or 503 if Authing is unreachable. */
  async authorize(context: ExecutionContext, transport: KnownTransport, user: AuthingUser | null): Promise<void> {
    const requiredRoles = this.#meta<string[]>(ROLES_KEY, context);
    const requiredPermissions = this.#meta<string[]>(PERMISSIONS_KEY, context);
    if (!requiredRoles?.length && !requiredPermissions?.length) return;
    if (!user) throw unauthorized(transport);
    try {
      if (requiredRoles?.length) {
        const roles = await this.roles.rolesOf(user);
        if (!requiredRoles.some((role) => roles.includes(role))) {
          throw forbidden(transport, `Requires one of the roles: ${requiredRoles.join(', ')}`);
        }
      }
      if (requiredPermissions?.length) {
        const permissions = await this.roles.permissionsOf(user);
        const missing = requiredPermissions.filter((p) => !permissions.includes(p));
        if (missing.length > 0) throw forbidden(transport, `Missing permissions: ${missing.join(', ')}`);
      }
    } catch (error) {
      // Unreachable, or answering something that is not Authing (5xx, 429, an HTML page): 503, not 500.
      if (error instanceof AuthingNetworkError || error instanceof AuthingHttpError) {
        this.#logger.warn(`Role lookup failed: ${error.message}`);
        throw unavailable(transport, 'the identity server could not be reached');
      }
      throw error;
    }
  }

  /** Whether the route has `@Roles()` or `@Permissions()`. */
  hasRequirements(context: ExecutionContext): boolean {
    return Boolean(
      this.#meta<string[]>(ROLES_KEY, context)?.length || this.#meta<string[]>(PERMISSIONS_KEY, context)?.length,
    );
  }

  isOptional(context: ExecutionContext): boolean {
    return this.#meta<boolean>(OPTIONAL_AUTH_KEY, context) === true;
  }

  #meta<T>(key: string, context: ExecutionContext): T | undefined {
    return this.reflector.getAllAndOverride<T | undefined>(key, [context.getHandler(), context.getClass()]);
  }
}

/**
 * Lets a request through with a valid bearer access token or a logged-in session; otherwise 401 with
 * a `WWW-Authenticate` challenge saying which check failed, or 503 when the identity server is needed
 * and unreachable. Honours `@Public()`, `@OptionalAuth()`, `@Roles()` and `@Permissions()`. Works
 * for HTTP, GraphQL and WebSocket contexts; any other context is refused.
 *
 * Per route: `@UseGuards(AuthingGuard)`; everywhere: `AuthingModule.forRoot({ ..., globalGuard: true })`.
 */
@Injectable()
export class AuthingGuard implements CanActivate {
  constructor(@Inject(AuthingAccessPolicy) private readonly policy: AuthingAccessPolicy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.policy.isPublic(context)) return true;
    const transport = await this.policy.transportOf(context);
    const user = await this.policy.authenticate(transport, this.policy.isOptional(context));
    await this.policy.authorize(context, transport, user);
    return true;
  }
}

/**
 * Checks `@Roles()` / `@Permissions()` (403); routes without them pass. Reuses the user AuthingGuard
 * attached, or authenticates the request itself (memoised, so combining both guards verifies the token
 * once). AuthingGuard already performs the same check: this guard is for routes that do not use it.
 */
@Injectable()
export class AuthingRolesGuard implements CanActivate {
  constructor(@Inject(AuthingAccessPolicy) private readonly policy: AuthingAccessPolicy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.policy.isPublic(context) || !this.policy.hasRequirements(context)) return true;
    const transport = await this.policy.transportOf(context);
    const user = await this.policy.authenticate(transport, this.policy.isOptional(context));
    await this.policy.authorize(context, transport, user);
    return true;
  }
}
