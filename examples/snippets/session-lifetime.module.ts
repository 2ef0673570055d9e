import { Module } from '@nestjs/common';
import { AuthingModule } from 'nestjs-authing';

@Module({
  imports: [
    AuthingModule.forRoot({
      appId: 'your-app-id',
      appHost: 'https://your-app.authing.cn',
      sessionLifetime: { absolute: 4 * 3600_000, idle: 15 * 60_000 },
    }),
  ],
})
export class AppModule {}
