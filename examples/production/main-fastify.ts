import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { RedisStore } from 'connect-redis';
import { authingFastifySessionOptions } from 'nestjs-authing';
import { AppModule } from './app.module.js';
import { redis } from './redis.js';

async function bootstrap() {
  await redis.connect();
  // trustProxy: the load balancer terminates TLS (the cookie gets Secure from X-Forwarded-Proto).
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter({ trustProxy: true }));
  await app.register(fastifyCookie);
  await app.register(
    fastifySession,
    authingFastifySessionOptions({
      secret: process.env.SESSION_SECRET!, // ≥ 32 characters, the same on every replica (Express ones too)
      store: new RedisStore({ client: redis, prefix: 'myapp:sess:', disableTouch: true }),
    }),
  );
  await app.listen(3000, '0.0.0.0');
}
void bootstrap();
