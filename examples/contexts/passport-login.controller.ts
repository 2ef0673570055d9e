import { Controller, Get, Redirect, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthingReturnTo } from 'nestjs-authing';

// The same hosted login as AuthingLoginGuard: AuthingModule registers passport's `authing` strategy
// when `redirectUri` is set. express-session must be set up (app.use(session(authingSessionOptions(...)))).
@Controller()
export class PassportLoginController {
  @Get('login')
  @UseGuards(AuthGuard('authing')) // redirects to Authing; the handler does not run
  login() {}

  @Get('callback')
  @UseGuards(AuthGuard('authing')) // checks state, PKCE and the id_token, starts the session
  @Redirect()
  callback(@AuthingReturnTo() url: string) {
    return { url }; // the checked ?returnTo= of /login, or defaultReturnTo
  }
}
