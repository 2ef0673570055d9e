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
import { homePage, profilePage } from '../views.js';

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
  home(@CurrentUser() user: AuthingUser | undefined, @Query('login') login?: string): string {
    return homePage(user, login === 'failed');
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
    await this.authingLogout.logout(req, res);
  }

  /** Old links and bookmarks: logs out when same-origin, otherwise shows a confirmation button. */
  @Get('logout')
  @Public()
  async logoutLink(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.authingLogout.logout(req, res);
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
}
