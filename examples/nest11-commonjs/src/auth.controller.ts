import { Controller, Get, Header, Post, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuthingLoginGuard, AuthingLogout, AuthingReturnTo, CurrentUser, OptionalAuth, Public } from 'nestjs-authing';
import type { AuthingUser } from 'nestjs-authing'; // a type: `import type` under isolatedModules

@Controller()
export class AuthController {
  constructor(private readonly authingLogout: AuthingLogout) {}

  @Get()
  @OptionalAuth() // the user when logged in, no 401 otherwise
  @Header('Content-Type', 'text/html; charset=utf-8')
  home(@CurrentUser() user: AuthingUser | undefined): string {
    return user
      ? '<p>Logged in: <a href="/api/me">/api/me</a></p>' +
          '<form method="post" action="/logout"><button id="logout">Log out</button></form>'
      : '<p><a id="login" href="/login">Log in</a></p>';
  }

  @Get('login') // /login?returnTo=/orders
  @Public()
  @UseGuards(AuthingLoginGuard)
  login(): void {
    // Not reached: the guard redirects to Authing's hosted login page.
  }

  @Get('callback')
  @Public()
  @UseGuards(AuthingLoginGuard)
  @Redirect()
  callback(@AuthingReturnTo() url: string): { url: string } {
    return { url }; // the checked returnTo, else defaultReturnTo ('/')
  }

  @Post('logout') // a POST from this site's own page: another site cannot log the user out
  @Public()
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.authingLogout.logout(req, res); // ends the session, then Authing's end-session URL
  }
}
