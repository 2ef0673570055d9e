import { createParamDecorator, Inject, Injectable, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import type { AuthenticationClient } from '../../sdk/index.js';
import type { AuthingUser } from '../user/authing-user.js';
import { requestFromContext, userFromContext, type AuthingRequest } from '../request/request-context.js';
import { returnToOf } from '../request/request-state.js';
import { AuthingClients } from '../providers/authing-clients.service.js';
import { clientsFor } from './client-lookup.js';

/**
 * The authenticated {@link AuthingUser} (undefined on `@OptionalAuth()` routes without a login), or
 * one of its fields: `@CurrentUser('email') email: string`. Needs a guard (AuthingGuard) on the route.
 */
export const CurrentUser: (field?: keyof AuthingUser) => ParameterDecorator = createParamDecorator(
  (field: keyof AuthingUser | undefined, context: ExecutionContext) => {
    const user = userFromContext(context);
    return field === undefined ? user : user?.[field];
  },
);

/** The authenticated user's access token (bearer or session). Needs a guard on the route. */
export const AccessToken: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => userFromContext(context)?.accessToken,
);

/** Where the login callback should send the browser: the checked `?returnTo=` of `/login`, or `defaultReturnTo`. */
export const AuthingReturnTo: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => {
    const request = requestFromContext(context);
    return request && returnToOf(request);
  },
);

/**
 * Turns the request into its user's AuthenticationClient, as {@link AuthingClient} does; for a
 * parameter decorator of your own (`@Req()`-like) that should yield the client.
 */
@Injectable()
export class AuthingClientPipe implements PipeTransform<AuthingRequest | undefined, AuthenticationClient> {
  constructor(@Inject(AuthingClients) private readonly clients: AuthingClients) {}

  transform(request: AuthingRequest | undefined): AuthenticationClient {
    if (request === undefined) return this.clients.root.withAccessToken(undefined);
    return this.clients.forRequest(request);
  }
}

/**
 * The end user's {@link (AuthenticationClient:class)} for this request (their access token set), without
 * making the controller request-scoped: `me(@AuthingClient() client: AuthenticationClient)`.
 *
 * A factory alone, without a pipe: Nest hands its value to the handler synchronously, where an
 * injectable pipe would cost two promises per request. The module's clients are found without
 * injection (see `client-lookup.ts`).
 */
export const AuthingClient: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticationClient => {
    const request = requestFromContext(context);
    const clients = clientsFor(request, context.getClass());
    return request === undefined ? clients.root.withAccessToken(undefined) : clients.forRequest(request);
  },
);
