import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthingGuard, AuthingModule, CurrentUser } from 'nestjs-authing';
import type { AuthingUser } from 'nestjs-authing';

@Controller('api')
@UseGuards(AuthingGuard)
class MeController {
  @Get('me')
  me(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub };
  }
}

@Module({
  imports: [
    AuthingModule.forRoot({
      appId: process.env.AUTHING_APP_ID!,
      appHost: process.env.AUTHING_APP_HOST!, // https://your-app.authing.cn
      tokenValidation: 'introspection', // logout and revocation take effect (see below)
      introspectionEndPointAuthMethod: 'none', // a single-page app is a public client: no secret
      introspectionCacheTtl: 5_000,
    }),
  ],
  controllers: [MeController],
})
class AppModule {}

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableCors({ origin: ['https://app.example.com'] }); // the SPA's origin; no credentials needed
  await app.listen(3001);
}
void bootstrap();
