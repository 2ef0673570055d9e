import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { AuthingBackchannelLogout, Public } from 'nestjs-authing';

@Controller()
export class BackchannelController {
  constructor(private readonly backchannel: AuthingBackchannelLogout) {}

  @Post('backchannel-logout')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  backchannelLogout(@Req() req: Request) {
    return this.backchannel.handle(req); // 400 invalid_request for a bad, replayed or mistaken token
  }
}
