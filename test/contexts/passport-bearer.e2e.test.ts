/**
 * The `authing-bearer` Passport strategy (`nestjs-authing/passport`) composed with another Passport
 * strategy in `AuthGuard([...])` from @nestjs/passport: a real Nest app against the emulator.
 */
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Req, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { SignJWT } from 'jose';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategyBase } from 'passport-jwt';
import { AuthingModule, CurrentUser, type AuthingModuleOptions, type AuthingUser } from '../../lib/index.js';
import { AuthingBearerStrategy } from '../../lib/passport/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

const LEGACY_SECRET = 'a-legacy-hs256-secret-of-the-application';

/** The application's own, older tokens: the reason to compose strategies. */
@Injectable()
class LegacyJwtStrategy extends PassportStrategy(JwtStrategyBase, 'jwt') {
  constructor() {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: LEGACY_SECRET });
  }

  validate(payload: { sub: string }) {
    return { legacy: true, sub: payload.sub };
  }
}

@Controller()
class ComposedController {
  @Get('me')
  @UseGuards(AuthGuard(['authing-bearer', 'jwt']))
  me(@Req() req: { user: { sub: string; legacy?: boolean; via?: string } }, @CurrentUser('sub') authingSub?: string) {
    return {
      sub: req.user.sub,
      legacy: req.user.legacy ?? false,
      via: req.user.via ?? null,
      authingSub: authingSub ?? null,
    };
  }

  @Get('authing-only')
  @UseGuards(AuthGuard('authing-bearer'))
  authingOnly(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub, via: user.via };
  }
}

let emulator: AuthingEmulator;
const apps: INestApplication[] = [];

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: { users: [{ email: 'reader@example.com', password: 'Re4der-pass!' }] },
  });
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await emulator?.stop();
});

async function start(options: Partial<AuthingModuleOptions> = {}): Promise<string> {
  @Module({
    imports: [
      AuthingModule.forRoot({
        appId: emulator.app.appId,
        appSecret: emulator.app.appSecret,
        appHost: emulator.appHost,
        ...options,
      }),
    ],
    controllers: [ComposedController],
    providers: [AuthingBearerStrategy, LegacyJwtStrategy],
  })
  class ComposedModule {}
  const app = await NestFactory.create(ComposedModule, { logger: false });
  apps.push(app);
  // Plain passport (no AuthGuard callback) answers a refusal with the strategy's challenge.
  app.use('/raw', passport.authenticate('authing-bearer', { session: false }), (req: Request, res: Response) =>
    res.json({ sub: (req.user as AuthingUser).sub }),
  );
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

async function get(
  url: string,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown>; challenge: string | null }> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return {
    status: response.status,
    body: (text.startsWith('{') ? JSON.parse(text) : { text }) as Record<string, unknown>,
    challenge: response.headers.get('www-authenticate'),
  };
}

const tokenOf = async (expiresIn?: number) =>
  (await emulator.issueTokens({ user: 'reader@example.com', expiresIn })).access_token;
const legacyToken = () =>
  new SignJWT({ sub: 'legacy-42' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(LEGACY_SECRET));

test('an Authing token passes through authing-bearer: the same AuthingUser as AuthingGuard sets', async () => {
  const url = await start();
  const sub = emulator.findUser('reader@example.com')!.userId;
  expect(await get(`${url}/me`, await tokenOf())).toMatchObject({
    status: 200,
    body: { sub, legacy: false, via: 'bearer', authingSub: sub },
  });
  expect(await get(`${url}/authing-only`, await tokenOf())).toMatchObject({
    status: 200,
    body: { sub, via: 'bearer' },
  });
});

test('a token authing-bearer refuses falls through to the next strategy (jwt)', async () => {
  const url = await start();
  expect(await get(`${url}/me`, await legacyToken())).toMatchObject({
    status: 200,
    body: { sub: 'legacy-42', legacy: true, authingSub: null },
  });
  // Alone, authing-bearer refuses it (AuthGuard's own 401: it answers every refusal the same way).
  const alone = await get(`${url}/authing-only`, await legacyToken());
  expect(alone).toMatchObject({ status: 401, body: { statusCode: 401, message: 'Unauthorized' } });
});

test('no token, garbage or an expired Authing token: 401 from every strategy', async () => {
  const url = await start();
  expect((await get(`${url}/me`)).status).toBe(401);
  expect((await get(`${url}/me`, 'garbage')).status).toBe(401);
  expect((await get(`${url}/me`, await tokenOf(-600))).status).toBe(401);
  expect((await get(`${url}/authing-only`)).status).toBe(401);
});

test('tokenValidation introspection: the token is checked by Authing, not locally', async () => {
  const url = await start({ tokenValidation: 'introspection' });
  emulator.resetRequestCounts();
  const token = await tokenOf();
  expect((await get(`${url}/authing-only`, token)).status).toBe(200);
  expect(emulator.requestCountFor('/oidc/token/introspection')).toBe(1);
});

test('Authing unreachable: 503, not a refusal', async () => {
  const token = await tokenOf();
  const url = await start({
    appHost: 'http://127.0.0.1:9',
    retry: false,
    timeout: 1000,
    loadSigningKeysOnStart: false,
  });
  const answer = await get(`${url}/authing-only`, token);
  expect(answer.status).toBe(503);
  expect(answer.body).toMatchObject({
    statusCode: 503,
    message: expect.stringContaining('Authentication unavailable'),
  });
});

test('plain passport.authenticate: the refusal carries the Bearer challenge naming the check', async () => {
  const url = await start();
  const refused = await get(`${url}/raw`, await tokenOf(-600));
  expect(refused.status).toBe(401);
  expect(refused.challenge).toMatch(/^Bearer realm="authing", error="invalid_token", error_description="expired: .+"$/);
  expect((await fetch(`${url}/raw`)).headers.get('www-authenticate')).toBe('Bearer realm="authing"');
  const sub = emulator.findUser('reader@example.com')!.userId;
  expect(await get(`${url}/raw`, await tokenOf())).toMatchObject({ status: 200, body: { sub } });
});
