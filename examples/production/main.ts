import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import { authingSessionOptions, guardSessionStore } from 'nestjs-authing';
import { AppModule } from './app.module.js';
import { redis } from './redis.js';

async function bootstrap() {
  await redis.connect();
  const app = await NestFactory.create<NestExpressApplication>(AppModule);
  app.set('trust proxy', 1); // the load balancer terminates TLS
  app.use(
    guardSessionStore(
      session(
        authingSessionOptions({
          secret: process.env.SESSION_SECRET!, // the same on every replica
          // disableTouch: no EXPIRE per request; the module writes a session when it changes
          store: new RedisStore({ client: redis, prefix: 'myapp:sess:', disableTouch: true }),
        }),
      ),
    ),
  );
  await app.listen(3000);
}
void bootstrap();
