import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { resolveTransport } from '../request/request-context.js';
import { AuthingAccessPolicy } from './access-policy.js';

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

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.policy.isPublic(context)) return true;
    // Warm path: an HTTP/GraphQL request with a bearer token already verified, on a route without
    // role requirements, answered synchronously. Everything else (first sight, sessions, roles,
    // WebSocket, refusals) takes the full path, whose failures are rejections.
    const transport = resolveTransport(context);
    if (transport.kind !== 'unknown' && this.policy.authenticateCached(transport, context)) return true;
    return this.#check(context);
  }

  async #check(context: ExecutionContext): Promise<boolean> {
    const transport = await this.policy.transportOf(context);
    const user = await this.policy.authenticate(transport, this.policy.isOptional(context));
    await this.policy.authorize(context, transport, user);
    return true;
  }
}
