import { AuthingError } from '../errors.js';

/**
 * Which check a token failed. `jwks_unavailable` is the only one that is not the token's fault: the
 * keys could not be fetched, so a server-side guard should answer 503 rather than 401.
 */
export type TokenCheck =
  | 'format'
  | 'size'
  | 'algorithm'
  | 'key'
  | 'signature'
  | 'issuer'
  | 'audience'
  | 'azp'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_at'
  | 'nonce'
  | 'claims'
  | 'jwks_unavailable';

/**
 * A token was refused: `code` is `token`; `check` (and `reason`) say which check failed. The message
 * never contains the token.
 */
export class AuthingTokenError extends AuthingError {
  declare readonly code: 'token';
  declare readonly reason: TokenCheck;
  constructor(
    readonly check: TokenCheck,
    /** The failed check in words, e.g. `the token has expired`; safe to show to the caller. */
    readonly detail: string,
  ) {
    super('token', check, `Token rejected (${check}): ${detail}`);
  }
}
