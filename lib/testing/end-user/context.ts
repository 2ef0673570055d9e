import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, API_CODES } from '../http.js';
import type { AppRecord, Store, UserRecord } from '../store.js';
import type { TokenService } from '../tokens.js';
import type { EmulatorTokenSet } from '../types.js';
import type { Args } from '../validate.js';
import type { Passcodes, AuthenticationHandler } from '../authentication-api.js';

/** What the end-user route modules share: the store, the caller's user and one-time codes. */
export interface EndUserContext {
  readonly store: Store;
  readonly passcodes: Passcodes;
  readonly tokens: TokenService;
  route(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, handler: AuthenticationHandler): void;
  /** The user of the access token in `authorization`, or a 2020 error. */
  currentUser(headers: IncomingHttpHeaders): Promise<UserRecord>;
  /** The application of a sign-in: Basic header, body client_id/secret, or x-authing-app-id for public apps. */
  authenticateApp(args: Args, headers: IncomingHttpHeaders): AppRecord;
  /**
   * Completes a sign-in: refuses suspended users, records the login (history, device, event) and
   * issues the token set of `/api/v3/signin`.
   */
  signIn(
    user: UserRecord,
    app: AppRecord,
    details: { scope?: string; loginMethod: string; headers: IncomingHttpHeaders },
  ): Promise<EmulatorTokenSet>;
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
