import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticationClient } from '../../sdk/index.js';
import { AUTHING_OPTIONS, AUTHING_ROOT_CLIENT } from '../constants.js';
import { attachUser, type AuthingRequest } from '../context/request-context.js';
import type { ResolvedAuthingOptions } from '../options/validate-options.js';
import { destroyLogin, sessionOf } from '../session/authing-session.js';

/** Options of {@link AuthingLogout}. */
export interface AuthingLogoutOptions {
  /** Where Authing sends the browser afterwards; default the `logoutRedirectUri` option. */
  redirectUri?: string;
  /** Echoed back to `redirectUri`. */
  state?: string;
}

/** What {@link AuthingLogout.logout} needs of the response. */
export interface RedirectingResponse {
  redirect(url: string): unknown;
}

/**
 * Ends a hosted-login session: destroys the session (so its cookie no longer logs anyone in) and sends
 * the browser to Authing's end-session URL with the login's id_token as `id_token_hint`, so Authing
 * ends its own session too.
 *
 * @example
 * @Get('logout') logout(@Req() req: Request, @Res() res: Response) { return this.authingLogout.logout(req, res); }
 * // or: @Get('logout') @Redirect() async logout(@Req() req) { return { url: await this.authingLogout.endSession(req) }; }
 */
@Injectable()
export class AuthingLogout {
  constructor(
    @Inject(AUTHING_OPTIONS) private readonly options: ResolvedAuthingOptions,
    @Inject(AUTHING_ROOT_CLIENT) private readonly root: AuthenticationClient,
  ) {}

  /** Destroys the session and returns Authing's end-session URL for the browser. */
  async endSession(request: AuthingRequest, options: AuthingLogoutOptions = {}): Promise<string> {
    // Read even when the login has expired: Authing's own session may still be alive.
    const record = sessionOf(request)?.[this.options.sessionKey] as { idToken?: unknown } | undefined;
    const idToken = typeof record?.idToken === 'string' ? record.idToken : undefined;
    await destroyLogin(request, this.options.sessionKey);
    attachUser(request, null);
    return this.root.buildLogoutUrl({ idToken, redirectUri: options.redirectUri, state: options.state });
  }

  /** {@link endSession}, then redirects the response there. */
  async logout(
    request: AuthingRequest,
    response: RedirectingResponse,
    options: AuthingLogoutOptions = {},
  ): Promise<void> {
    const url = await this.endSession(request, options);
    response.redirect(url);
  }
}
