import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthingAccessPolicy } from './access-policy.js';

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
