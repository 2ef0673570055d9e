import { Controller, Get, Header, HttpCode, Inject, Post, Query, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AuthingBackchannelLogout,
  AuthingLoginGuard,
  AuthingLogout,
  AuthingReturnTo,
  AuthingRolesService,
  CurrentUser,
  OptionalAuth,
  Public,
  type AuthingUser,
} from '../../lib/index.js';
import { FAVICON_SVG, homePage, profilePage } from '../views.js';

/** Echoed back by Authing to the logout redirect URI (OIDC `state`): the home page says goodbye. */
export const LOGGED_OUT_STATE = 'logged-out';

/** Pages for the browser: home, hosted login, profile and logout. */
@Controller()
export class HomeController {
  constructor(
    @Inject(AuthingLogout) private readonly authingLogout: AuthingLogout,
    @Inject(AuthingRolesService) private readonly roles: AuthingRolesService,
    @Inject(AuthingBackchannelLogout) private readonly backchannel: AuthingBackchannelLogout,
  ) {}

  @Get()
  @OptionalAuth()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async home(
    @CurrentUser() user: AuthingUser | undefined,
    @Query('login') login?: string,
    @Query('error') error?: string,
    @Query('state') state?: string,
  ): Promise<string> {
    const notice = {
      loginError: login === 'failed' ? (typeof error === 'string' ? error : 'login_failed') : undefined,
      loggedOut: state === LOGGED_OUT_STATE && !user,
    };
    return homePage(user, notice, user ? await this.#isAdmin(user) : false);
  }

  /** Redirects to Authing's hosted login page; `?returnTo=/path` says where to land afterwards. */
  @Get('login')
  @Public()
  @UseGuards(AuthingLoginGuard)
  login(): void {
    // Not reached: AuthingLoginGuard answers with the redirect.
  }

  /** Authing redirects here with the code; the guard completes the login and starts the session. */
  @Get('callback')
  @Public()
  @UseGuards(AuthingLoginGuard)
  @Redirect()
  callback(@AuthingReturnTo() returnTo: string): { url: string } {
    return { url: returnTo };
  }

  /** Destroys the session and sends the browser to Authing's end-session URL (the pages' button). */
  @Post('logout')
  @Public()
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.authingLogout.logout(req, res, { state: LOGGED_OUT_STATE });
  }

  /** Old links and bookmarks: logs out when same-origin, otherwise shows a confirmation button. */
  @Get('logout')
  @Public()
  async logoutLink(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.authingLogout.logout(req, res, { state: LOGGED_OUT_STATE });
  }

  /** The logged-in user's page; not logged in: off to the login, coming back here. */
  @Get('profile')
  @OptionalAuth()
  async profile(@CurrentUser() user: AuthingUser | undefined, @Res() res: Response): Promise<void> {
    if (!user) return res.redirect('/login?returnTo=%2Fprofile');
    const roles = await this.roles.rolesOf(user);
    res.type('html').send(profilePage(user, roles));
  }

  /**
   * OpenID Connect Back-Channel Logout: Authing POSTs a logout token when the user logs out there;
   * the sessions it names end on every replica (needs REDIS_URL: the module's cluster option).
   */
  @Post('backchannel-logout')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async backchannelLogout(@Req() req: Request): Promise<{ ended: number }> {
    return this.backchannel.handle(req);
  }

  @Get('health')
  @Public()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('favicon.svg')
  @Public()
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'public, max-age=86400')
  favicon(): string {
    return FAVICON_SVG;
  }

  /** Browsers ask for /favicon.ico whatever the page links: no icon there, and no 404 either. */
  @Get('favicon.ico')
  @Public()
  @HttpCode(204)
  faviconIco(): void {}

  /** Whether to show the admin links; Authing unreachable only hides them. */
  async #isAdmin(user: AuthingUser): Promise<boolean> {
    try {
      return (await this.roles.rolesOf(user)).includes('admin');
    } catch {
      return false;
    }
  }
}
