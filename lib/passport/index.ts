/**
 * `nestjs-authing/passport`: Passport strategies for applications that compose @nestjs/passport
 * guards. A separate entry because it imports `passport` (an optional peer): the main entry never does.
 * `AuthGuard('authing')` (the hosted login) needs nothing from here: AuthingModule registers it.
 */
export { AuthingBearerStrategy, AUTHING_BEARER_STRATEGY } from '../nest/passport/authing-bearer.strategy.js';
export type { AuthingRequest } from '../nest/request/request-context.js';
