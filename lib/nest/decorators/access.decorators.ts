import { SetMetadata } from '@nestjs/common';
import { OPTIONAL_AUTH_KEY, PUBLIC_KEY } from '../constants.js';

/** Opts a route (or controller) out of {@link AuthingGuard}, e.g. when the guard is global. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** The user is attached when a valid token or session is present; the route never answers 401. */
export const OptionalAuth = (): MethodDecorator & ClassDecorator => SetMetadata(OPTIONAL_AUTH_KEY, true);

// @Roles() and @Permissions() live with the other authorization requirements.
export { Roles, Permissions } from '../authorization/decorators.js';
