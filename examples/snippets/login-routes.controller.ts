import { Controller, Get, Redirect, UseGuards } from '@nestjs/common';
import { AuthingLoginGuard, AuthingLoginParams, AuthingReturnTo, Public } from 'nestjs-authing';

@Controller()
@Public()
export class LoginController {
  /** `/login?login_hint=a@b.com&ui_locales=zh-CN&returnTo=/orders`: the allowed query parameters pass. */
  @Get('login')
  @UseGuards(AuthingLoginGuard)
  login() {}

  /** Logs in without a page when the user has an Authing session; otherwise back to returnTo, anonymous. */
  @Get('login/silent')
  @UseGuards(AuthingLoginGuard)
  @AuthingLoginParams({ prompt: 'none' })
  silent() {}

  /** Pinned by the route: the query cannot change them. */
  @Get('login/partners')
  @UseGuards(AuthingLoginGuard)
  @AuthingLoginParams({ tenantId: 'partners', scopes: ['phone'], prompt: 'login' })
  partners() {}

  @Get('callback')
  @UseGuards(AuthingLoginGuard)
  @Redirect()
  callback(@AuthingReturnTo() url: string) {
    return { url };
  }
}
