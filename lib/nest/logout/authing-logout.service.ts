import { ForbiddenException, Inject, Injectable, Optional } from '@nestjs/common';
import type { AuthenticationClient } from '../../sdk/index.js';
import { AuthingAuthenticator } from '../authentication/authing-authenticator.service.js';
import { AUTHING_RESOLVED_OPTIONS, AUTHING_ROOT_CLIENT } from '../constants.js';
import type { AuthingRequest } from '../request/request-context.js';
import { attachUser } from '../request/request-state.js';
import { isUnsafeMethod } from '../csrf/request-origin.js';
import { setRefusalHeaders } from '../guards/guard-errors.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { destroyLogin, sessionOf } from '../session/authing-session.js';
import { AUTHING_TENANCY, type TenancyDispatch } from '../tenancy/tenancy-dispatch.js';
import { logoutConfirmationPage } from './logout-confirmation.js';
import { nodeLikeResponse } from '../login/http-response.js';

/** Options of {@link AuthingLogout}. */
export interface AuthingLogoutOptions {
  /** Where Authing sends the browser afterwards; default the `logoutRedirectUri` option. */
  redirectUri?: string;
  /** Echoed back to `redirectUri`. */
  state?: string;
}

/** What {@link AuthingLogout.logout} needs of the response (Express's and Node's have it all). */
export interface RedirectingResponse {
  redirect(url: string): unknown;
  /** With `end`: answers a GET that may come from another site with a confirmation page. */
  setHeader?(name: string, value: string): unknown;
  end?(body: string): unknown;
  statusCode?: number;
  /** Fastify's reply: the status of the redirect is set through it. */
  code?(status: number): unknown;
}

/**
 * Ends a hosted-login session: destroys the session (so its cookie no longer logs anyone in) and sends
 * the browser to Authing's end-session URL with the login's id_token as `id_token_hint`, so Authing
 * ends its own session too.
 *
 * Logging out changes state, so another site must not be able to trigger it (issue #10.6): a POST
 * must pass the same origin check as every session-authenticated write (`csrf` option), and a GET
 * proceeds only when the browser shows it comes from this application; otherwise {@link AuthingLogout.logout}
 * answers a small confirmation page whose button POSTs, and {@link AuthingLogout.endSession} refuses with 403.
 *
 * @example
 * @Post('logout') logout(@Req() req: Request, @Res() res: Response) { return this.authingLogout.logout(req, res); }
 * // links and old bookmarks: @Get('logout') with the same body shows the confirmation when needed
 */
@Injectable()
export class AuthingLogout {
  /** With the `tenancy` option: a tenant's logout ends that tenant's login at that tenant's issuer. */
  @Optional() @Inject(AUTHING_TENANCY) private readonly tenancy?: TenancyDispatch;

  private readonly authenticator: AuthingAuthenticator;

  /** Nest builds the service; its last argument is the module's (internal) authenticator. */
  constructor(
    @Inject(AUTHING_RESOLVED_OPTIONS) private readonly options: ResolvedAuthingOptions,
    @Inject(AUTHING_ROOT_CLIENT) private readonly root: AuthenticationClient,
    @Inject(AuthingAuthenticator) authenticator: object,
  ) {
    this.authenticator = authenticator as AuthingAuthenticator;
  }

  /**
   * Destroys the session and returns Authing's end-session URL for the browser. Throws 403
   * `cross_site_request` when the request may come from another site (see the class).
   */
  async endSession(request: AuthingRequest, options: AuthingLogoutOptions = {}): Promise<string> {
    const refusal = this.#crossSite(request);
    if (refusal) throw refused(refusal, undefined);
    // Read even when the login has expired: Authing's own session may still be alive.
    const tenant = this.tenancy?.enabled ? this.tenancy.contextOf(request) : undefined;
    const key = tenant?.options.sessionKey ?? this.options.sessionKey;
    const record = sessionOf(request)?.[key] as { idToken?: unknown } | undefined;
    const idToken = typeof record?.idToken === 'string' ? record.idToken : undefined;
    await destroyLogin(request, key);
    attachUser(request, null);
    return (tenant?.root ?? this.root).buildLogoutUrl({
      idToken,
      redirectUri: options.redirectUri,
      state: options.state,
    });
  }

  /**
   * {@link AuthingLogout.endSession}, then redirects the response there. A GET that does not show it comes from
   * this application gets a confirmation page (its button POSTs to the same URL) and changes nothing.
   */
  async logout(
    request: AuthingRequest,
    response: RedirectingResponse,
    options: AuthingLogoutOptions = {},
  ): Promise<void> {
    const refusal = this.#crossSite(request);
    // Fastify's reply has neither setHeader nor end: seen through the same Node-like shape.
    const page = response.setHeader && response.end ? response : asNodeLike(response);
    const setHeader = page?.setHeader?.bind(page);
    const end = page?.end?.bind(page);
    if (refusal && !isUnsafeMethod(request) && page && setHeader && end) {
      page.statusCode = 200;
      setHeader('Content-Type', 'text/html; charset=utf-8');
      setHeader('Cache-Control', 'no-store');
      // The page holds a button that logs out: no other site may frame it and steer the click.
      setHeader('X-Frame-Options', 'DENY');
      setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
      setHeader('X-Content-Type-Options', 'nosniff');
      end(logoutConfirmationPage());
      return;
    }
    if (refusal) throw refused(refusal, page);
    const url = await this.endSession(request, options);
    // Fastify's reply.redirect keeps a status set before (Nest sets 201 on a POST); Express's is a 302.
    response.code?.(302);
    response.redirect(url);
  }

  /** Unsafe methods: the `csrf` check; a GET (or other safe method): positive proof of the same origin. */
  #crossSite(request: AuthingRequest): string | undefined {
    return this.authenticator.crossSiteRefusal(request, isUnsafeMethod(request) ? 'lenient' : 'strict');
  }
}

function refused(reason: string, response: RedirectingResponse | undefined): Error {
  if (response?.setHeader) setRefusalHeaders({ setHeader: (n, v) => response.setHeader!(n, v) });
  return new ForbiddenException({
    statusCode: 403,
    error: 'cross_site_request',
    message: `Cross-site logout refused: ${reason}`,
  });
}

/** Fastify's reply as a Node-like response; undefined for anything else. */
function asNodeLike(response: RedirectingResponse): RedirectingResponse | undefined {
  try {
    const node = nodeLikeResponse(response);
    return {
      redirect: (url) => response.redirect(url),
      setHeader: (name, value) => node.setHeader(name, value),
      end: (body) => node.end(body),
      set statusCode(status: number) {
        node.statusCode = status;
      },
      get statusCode() {
        return node.statusCode;
      },
    };
  } catch {
    return undefined;
  }
}
