import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AuthingModule } from 'nestjs-authing';
import { ApiController } from './api.controller.js';
import { AuthController } from './auth.controller.js';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }), // reads .env and the environment
    AuthingModule.forRootAsync({
      globalGuard: true, // every route needs a login unless it is @Public()
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        appId: config.getOrThrow<string>('AUTHING_APP_ID'),
        appSecret: config.getOrThrow<string>('AUTHING_APP_SECRET'),
        appHost: config.getOrThrow<string>('AUTHING_APP_HOST'), // https://<your-app>.authing.cn
        redirectUri: config.getOrThrow<string>('AUTHING_REDIRECT_URI'), // http://127.0.0.1:3000/callback
        logoutRedirectUri: config.getOrThrow<string>('AUTHING_LOGOUT_REDIRECT_URI'), // http://127.0.0.1:3000/
        // Optional: the ManagementClient, and roles read from Authing for @Roles().
        accessKeyId: config.get<string>('AUTHING_ACCESS_KEY_ID'),
        accessKeySecret: config.get<string>('AUTHING_ACCESS_KEY_SECRET'),
        host: config.get<string>('AUTHING_HOST'), // only for a private deployment or the emulator
      }),
    }),
  ],
  controllers: [AuthController, ApiController],
})
export class AppModule {}
