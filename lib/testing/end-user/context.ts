import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, API_CODES } from '../http.js';
import type { Store, UserRecord } from '../store.js';
import type { Passcodes, AuthenticationHandler } from '../authentication-api.js';

/** What the end-user route modules share: the store, the caller's user and one-time codes. */
export interface EndUserContext {
  readonly store: Store;
  readonly passcodes: Passcodes;
  route(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, handler: AuthenticationHandler): void;
  /** The user of the access token in `authorization`, or a 2020 error. */
  currentUser(headers: IncomingHttpHeaders): Promise<UserRecord>;
  /** Checks and uses up a code sent to an email or phone, or throws 2001. */
  consumeCode(target: string, code: string): void;
}

export function codeChecker(passcodes: Passcodes): (target: string, code: string) => void {
  return (target, code) => {
    if (!passcodes.consume(target, code)) {
      throw new ApiError(400, API_CODES.BAD_PASSCODE, 'Incorrect or expired verification code');
    }
  };
}
