import { AuthingError } from '../../sdk/index.js';

/** The `afterLogin` hook refused the login (`context.refuse(reason)`); `reason` is the failure code. */
export class AuthingLoginRefusedError extends AuthingError {
  /** Always `login_refused`; the hook's reason is `reason`. */
  declare readonly code: 'login_refused';
  constructor(reason: string, description?: string) {
    const code = /^[A-Za-z0-9_.-]{1,64}$/.test(reason) ? reason : 'login_refused';
    super('login_refused', code, description ?? 'the application refused this login');
  }
}

/** A silent login (`prompt=none`) that needs the user: where to go instead of the failure page. */
export class SilentLoginUnavailable extends Error {
  constructor(
    readonly returnTo: string | undefined,
    readonly authorize: Record<string, unknown> | undefined,
  ) {
    super('the silent login needs the user');
    this.name = 'SilentLoginUnavailable';
  }
}

/** Authing's answers to `prompt=none` when it cannot log the user in without them. */
export const SILENT_LOGIN_ERRORS: ReadonlySet<string> = new Set([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);
