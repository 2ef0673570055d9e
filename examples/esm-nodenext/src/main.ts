import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import session from 'express-session'; // CommonJS: needs "esModuleInterop": true
import { authingSessionOptions } from 'nestjs-authing';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule);
  app.set('trust proxy', 1); // behind a TLS-terminating proxy: the cookie gets `Secure`
  app.use(
    session({
      // SESSION_SECRET: at least 16 characters; a missing one stops the boot with a clear error.
      ...authingSessionOptions({ secret: process.env.SESSION_SECRET ?? '' }),
      // One process in development only: use a shared store in production (docs/nest-module.md#sessions).
      store: new session.MemoryStore(),
    }),
  );
  await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
}

void bootstrap();
