import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { httpRequestOf } from '../request/request-context.js';
import { AuthingAccessPolicy, type RouteAccess } from './access-policy.js';

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
  private readonly policy: AuthingAccessPolicy;

  /** Nest builds the guard; its argument is the module's (internal) access policy. */
  constructor(@Inject(AuthingAccessPolicy) policy: object) {
    this.policy = policy as AuthingAccessPolicy;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const route = this.policy.routeOf(context);
    if (route.isPublic) return true;
    // Warm path: an HTTP/GraphQL request with a bearer token already verified, on a route whose
    // requirements (if any) remembered answers meet, answered synchronously. Everything else (first
    // sight, sessions, roles, WebSocket, refusals) takes the full path, whose failures are rejections.
    const request = httpRequestOf(context);
    if (request) {
      const passed = route.hasRequirements
        ? this.policy.authorizeCached(route, request)
        : this.policy.authenticateCached(request);
      if (passed) return true;
    }
    return this.#check(context, route);
  }

  async #check(context: ExecutionContext, route: RouteAccess): Promise<boolean> {
    const transport = await this.policy.transportOf(context);
    const user = await this.policy.authenticate(transport, route.optional);
    await this.policy.authorize(route, transport, user);
    return true;
  }
}
