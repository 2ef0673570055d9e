import { Module } from '@nestjs/common';
import { AuthingModule } from 'nestjs-authing';

@Module({
  imports: [AuthingModule.forRoot({ appId: 'your-app-id', appHost: 'https://your-app.authing.cn' })],
})
export class AppModule {}
