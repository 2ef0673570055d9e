import { AuthingError } from '../errors.js';
import type { AuthingTokenError } from '../tokens/errors.js';

/** Why a login callback was refused. */
export type CallbackFailure =
  'issuer' | 'authorization_error' | 'state' | 'missing_code' | 'token_exchange' | 'id_token' | 'userinfo';

/**
 * A login callback failed a check. `reason` says which; for `authorization_error` and
 * `token_exchange`, `error` carries the OAuth error code from the server (never a token or secret).
 */
export class AuthingCallbackError extends AuthingError {
  constructor(
    readonly reason: CallbackFailure,
    message: string,
    readonly error?: string,
    readonly tokenError?: AuthingTokenError,
  ) {
    super(`Login callback refused (${reason}): ${message}`);
  }
}
