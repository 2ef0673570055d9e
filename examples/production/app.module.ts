import { Module } from '@nestjs/common';
import { AuthingModule, redisSessionCluster } from 'nestjs-authing';
import { BackchannelController } from './backchannel.controller.js';
import { redis } from './redis.js';

@Module({
  imports: [
    AuthingModule.forRoot({
      appId: process.env.AUTHING_APP_ID!,
      appSecret: process.env.AUTHING_APP_SECRET!,
      appHost: process.env.AUTHING_APP_HOST!,
      redirectUri: 'https://app.example.com/callback', // the load balancer's public URL, on every replica
      cluster: redisSessionCluster(redis), // one refresh per session cluster-wide, back-channel logout
    }),
  ],
  controllers: [BackchannelController],
})
export class AppModule {}
