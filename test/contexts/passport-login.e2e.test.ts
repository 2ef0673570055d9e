/**
 * `AuthGuard('authing')` from @nestjs/passport on the hosted login routes, instead of
 * AuthingLoginGuard: a real Nest app (Express, express-session) and the emulator's login pages.
 */
import 'reflect-metadata';
import { Controller, Get, Redirect, Req, UseGuards, type INestApplication } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ExpressAdapter } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import express from 'express';
import session from 'express-session';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthingGuard,
  AuthingModule,
  AuthingReturnTo,
  authingSessionOptions,
  CurrentUser,
  type AuthingUser,
} from '../../lib/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { CookieClient, completeEmulatorLogin, isRedirect } from '../support/cookie-client.js';

const READER = { email: 'reader@example.com', password: 'Re4der-pass!' };
/** Refused by the module's `login.afterLogin` hook, which AuthGuard('authing') must run as well. */
const BANNED = { email: 'banned@example.com', password: 'B4nned-pass!' };

/** What the callback handler saw: passport's `req.user` and `req.authInfo`. */
const seen: { user?: unknown; authInfo?: unknown }[] = [];

@Controller()
class PassportLoginController {
  @Get('login')
  @UseGuards(AuthGuard('authing'))
  login() {
    return 'not reached: the guard redirects to Authing';
  }

  @Get('callback')
  @UseGuards(AuthGuard('authing'))
  @Redirect()
  callback(@AuthingReturnTo() url: string, @Req() req: { user?: unknown; authInfo?: unknown }) {
    seen.push({ user: req.user, authInfo: req.authInfo });
    return { url };
  }

  @Get('plan')
  @UseGuards(AuthingGuard)
  plan(@CurrentUser() user: AuthingUser) {
    return { plan: user.claims.plan };
  }

  @Get('me')
  @UseGuards(AuthingGuard)
  me(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub, via: user.via };
  }
}

let emulator: AuthingEmulator;
let app: INestApplication;
let appUrl: string;

let server: Server;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({ port: 0, seed: { users: [READER, BANNED] } });
  // Listening first: the module needs the app's own URL for redirectUri.
  const expressApp = express();
  server = createServer(expressApp);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emulator.updateApp(emulator.app.appId, { redirectUris: [`${appUrl}/callback`] });
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthingModule.forRoot({
        appId: emulator.app.appId,
        appSecret: emulator.app.appSecret,
        appHost: emulator.appHost,
        redirectUri: `${appUrl}/callback`,
        login: {
          afterLogin: (user, context) =>
            user.email === BANNED.email
              ? context.refuse('banned', 'this account may not log in')
              : { claims: { plan: 'gold' } },
        },
      }),
    ],
    controllers: [PassportLoginController],
  }).compile();
  app = moduleRef.createNestApplication(new ExpressAdapter(expressApp), { logger: false });
  app.use(session(authingSessionOptions({ secret: 'passport-login-test-secret' })));
  await app.init();
});

afterAll(async () => {
  await app?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await emulator?.stop();
});

/** `/login` with AuthGuard('authing'): the redirect to Authing's authorize endpoint. */
async function startLogin(browser: CookieClient, returnTo?: string): Promise<URL> {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  const response = await browser.request(`${appUrl}/login${query}`);
  expect(isRedirect(response.status)).toBe(true);
  await response.arrayBuffer();
  return new URL(response.headers.get('location')!);
}

const toCallback = (browser: CookieClient, authorize: URL, who = READER) =>
  completeEmulatorLogin(browser, authorize.href, { account: who.email, password: who.password }, (url) =>
    url.startsWith(appUrl),
  );

test('login, callback and session: the same hosted login as AuthingLoginGuard (PKCE, state, nonce)', async () => {
  const browser = new CookieClient();
  const authorize = await startLogin(browser, '/me?tab=1');
  expect(authorize.origin).toBe(new URL(emulator.appHost).origin);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  expect(authorize.searchParams.get('state')).toBeTruthy();
  expect(authorize.searchParams.get('nonce')).toBeTruthy();
  const anonymousSession = browser.find('authing.sid')?.value ?? browser.cookies[0]?.value;

  const callback = await toCallback(browser, authorize);
  const landed = await browser.request(callback);
  expect(landed.status).toBe(302);
  expect(landed.headers.get('location')).toBe('/me?tab=1');
  // A new session id at login (no fixation), and the session authenticates the next request.
  expect(browser.cookies.map((c) => c.value)).not.toContain(anonymousSession);
  const me = await browser.request(`${appUrl}/me`);
  expect(me.status).toBe(200);
  expect(await me.json()).toEqual({ sub: emulator.findUser(READER.email)!.userId, via: 'session' });

  // passport's req.user is the AuthingUser; req.authInfo carries no token.
  const last = seen.at(-1)!;
  expect((last.user as AuthingUser).sub).toBe(emulator.findUser(READER.email)!.userId);
  expect(last.authInfo).toEqual({ returnTo: '/me?tab=1' });
  expect(JSON.stringify(last.authInfo)).not.toMatch(/eyJ/);
});

test('an open redirect in returnTo is dropped for defaultReturnTo', async () => {
  const browser = new CookieClient();
  const landed = await browser.request(await toCallback(browser, await startLogin(browser, 'https://evil.example/')));
  expect(landed.status).toBe(302);
  expect(landed.headers.get('location')).toBe('/');
});

test('two tabs log in at once: both callbacks complete, in either order', async () => {
  const browser = new CookieClient();
  const first = await startLogin(browser, '/one');
  const second = await startLogin(browser, '/two');
  const secondCallback = await toCallback(browser, second);
  const firstCallback = await toCallback(browser, first);
  expect((await browser.request(secondCallback)).headers.get('location')).toBe('/two');
  expect((await browser.request(firstCallback)).headers.get('location')).toBe('/one');
});

test('a replayed or forged callback is a 401 naming the reason, never a 500', async () => {
  const browser = new CookieClient();
  const callback = await toCallback(browser, await startLogin(browser));
  expect((await browser.request(callback)).status).toBe(302);
  const replay = await browser.request(callback);
  expect(replay.status).toBe(401);
  expect(await replay.json()).toMatchObject({ statusCode: 401, error: 'state' });
  const denied = await browser.request(`${appUrl}/callback?error=access_denied&state=x`);
  expect(denied.status).toBe(401);
});

test('the login.afterLogin hook runs here too: it enriches the session, or refuses with its reason', async () => {
  const reader = new CookieClient();
  expect((await reader.request(await toCallback(reader, await startLogin(reader)))).status).toBe(302);
  const plan = await reader.request(`${appUrl}/plan`);
  expect(await plan.json()).toEqual({ plan: 'gold' });

  const banned = new CookieClient();
  const refused = await banned.request(await toCallback(banned, await startLogin(banned), BANNED));
  expect(refused.status).toBe(401);
  expect(await refused.json()).toMatchObject({ statusCode: 401, error: 'banned' });
  expect((await banned.request(`${appUrl}/me`)).status).toBe(401);
});
