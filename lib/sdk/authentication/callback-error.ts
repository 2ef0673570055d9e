import { AuthingError } from '../errors.js';
import type { AuthingTokenError } from '../tokens/errors.js';

/** Why a login callback was refused. */
export type CallbackFailure =
  'issuer' | 'authorization_error' | 'state' | 'missing_code' | 'token_exchange' | 'id_token' | 'userinfo';

/**
 * A login callback failed a check: `code` is `callback`, `reason` says which check. For
 * `authorization_error` and `token_exchange`, `error` carries the OAuth error code from the server
 * (never a token or secret); for `id_token`, `tokenError` is the token check that failed.
 */
export class AuthingCallbackError extends AuthingError {
  declare readonly code: 'callback';
  declare readonly reason: CallbackFailure;
  constructor(
    reason: CallbackFailure,
    /** The failed check in words; safe to show to the user. */
    readonly detail: string,
    readonly error?: string,
    readonly tokenError?: AuthingTokenError,
  ) {
    super('callback', reason, `Login callback refused (${reason}): ${detail}`);
  }
}
