import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthingAccessPolicy } from './access-policy.js';

/**
 * Checks `@Roles()` / `@Permissions()` (403); routes without them pass. Reuses the user AuthingGuard
 * attached, or authenticates the request itself (memoised, so combining both guards verifies the token
 * once). AuthingGuard already performs the same check: this guard is for routes that do not use it.
 */
@Injectable()
export class AuthingRolesGuard implements CanActivate {
  private readonly policy: AuthingAccessPolicy;

  /** Nest builds the guard; its argument is the module's (internal) access policy. */
  constructor(@Inject(AuthingAccessPolicy) policy: object) {
    this.policy = policy as AuthingAccessPolicy;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.policy.routeOf(context);
    if (route.isPublic || !route.hasRequirements) return true;
    const transport = await this.policy.transportOf(context);
    const user = await this.policy.authenticate(transport, route.optional);
    await this.policy.authorize(route, transport, user);
    return true;
  }
}
