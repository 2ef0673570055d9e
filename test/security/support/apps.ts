/**
 * A small Nest application under attack: bearer routes behind AuthingGuard (one with a role), the
 * hosted login on AuthingLoginGuard, express-session, on its own HTTP server (so the header limit
 * can be raised for the huge-token case).
 */
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Redirect,
  Req,
  Res,
  UseGuards,
  type INestApplication,
  type LoggerService,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import express from 'express';
import session from 'express-session';
import {
  AuthingGuard,
  AuthingLoginGuard,
  AuthingLogout,
  AuthingModule,
  AuthingReturnTo,
  authingSessionOptions,
  CurrentUser,
  Roles,
  type AuthingModuleOptions,
  type AuthingUser,
} from '../../../lib/index.js';

@Controller()
export class ProbeController {
  constructor(@Inject(AuthingLogout) private readonly authingLogout: AuthingLogout) {}

  @Get('me')
  @UseGuards(AuthingGuard)
  me(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub, email: user.email, via: user.via };
  }

  /** A state-changing route, for the cross-site request checks. */
  @Post('me')
  @HttpCode(200)
  @UseGuards(AuthingGuard)
  update(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub, via: user.via, updated: true };
  }

  @Post('logout')
  logout(@Req() req: express.Request, @Res() res: express.Response) {
    return this.authingLogout.logout(req, res);
  }

  @Get('logout')
  logoutPage(@Req() req: express.Request, @Res() res: express.Response) {
    return this.authingLogout.logout(req, res);
  }

  @Get('admin')
  @UseGuards(AuthingGuard)
  @Roles('admin')
  admin(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub };
  }

  @Get('login')
  @UseGuards(AuthingLoginGuard)
  login() {
    return 'not reached';
  }

  @Get('callback')
  @UseGuards(AuthingLoginGuard)
  @Redirect()
  callback(@AuthingReturnTo() url: string) {
    return { url };
  }
}

export interface RunningApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Module options; `redirectUri` defaults to `<url>/callback`. */
  module: (url: string) => AuthingModuleOptions;
  logger?: LoggerService | false;
  sessionSecret?: string;
  /** Largest request head the server accepts; default Node's 16 KiB. */
  maxHeaderSize?: number;
}

/** Starts the probe application on 127.0.0.1 (free port). */
export async function startProbeApp(options: AppOptions): Promise<RunningApp> {
  const expressApp = express();
  const server: Server = createServer({ maxHeaderSize: options.maxHeaderSize }, expressApp);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthingModule.forRoot({ redirectUri: `${url}/callback`, ...options.module(url) })],
      controllers: [ProbeController],
    }).compile();
    const app = moduleRef.createNestApplication(new ExpressAdapter(expressApp), { logger: options.logger ?? false });
    app.use(session(authingSessionOptions({ secret: options.sessionSecret ?? 'security-suite-session-secret' })));
    await app.init();
    return {
      app,
      url,
      async close() {
        await app.close();
        await closeServer(server);
      },
    };
  } catch (error) {
    await closeServer(server);
    throw error;
  }
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The parts of a 401 the tests look at. */
export interface Refusal {
  status: number;
  challenge: string | null;
  body: { error?: string; check?: string; message?: string };
  text: string;
}

/** GET `path` with a bearer token. */
export async function bearerGet(url: string, token: string, path = '/me'): Promise<Refusal> {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  let body: Refusal['body'] = {};
  try {
    body = JSON.parse(text) as Refusal['body'];
  } catch {
    // not JSON
  }
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body, text };
}
