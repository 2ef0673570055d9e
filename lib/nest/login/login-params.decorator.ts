import { SetMetadata } from '@nestjs/common';
import type { AuthingAuthorizeParams } from './login-options.js';

/** Metadata key of {@link AuthingLoginParams}. */
export const AUTHING_LOGIN_PARAMS = 'nestjs-authing:login-params';

/**
 * Authorize parameters for the logins a `/login` route starts (on the handler or its controller):
 * `prompt`, `loginHint`, `uiLocales`, extra `scopes`, `tenantId`, or any `extra` parameter. They win
 * over the `/login` query's (see the `login.queryParams` option).
 *
 * @example
 * @Get('login/silent') @UseGuards(AuthingLoginGuard) @AuthingLoginParams({ prompt: 'none' }) silent() {}
 */
export const AuthingLoginParams = (params: AuthingAuthorizeParams) => SetMetadata(AUTHING_LOGIN_PARAMS, params);
