/**
 * A bearer-only API (#17): `AuthingModule.forRoot({ appId, appHost })` and nothing else, as an API
 * behind a single-page app has it (no app secret, no redirect URI, no management credentials).
 * A real Nest app over HTTP against the emulator, with the emulator's access tokens.
 */
import 'reflect-metadata';
import { Controller, Get, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  AuthingConfigurationError,
  AuthingGuard,
  AuthingLoginGuard,
  AuthingModule,
  AuthingStrategy,
  CurrentUser,
  type AuthingModuleOptions,
  type AuthingUser,
} from '../../lib/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

@Controller()
class ApiController {
  @Get('api/me')
  @UseGuards(AuthingGuard)
  me(@CurrentUser() user: AuthingUser) {
    return { sub: user.sub, via: user.via };
  }

  @Get('login')
  @UseGuards(AuthingLoginGuard)
  login() {
    return 'not reached';
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

async function createApp(options: Partial<AuthingModuleOptions> = {}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [AuthingModule.forRoot({ appId: emulator.app.appId, appHost: emulator.appHost, ...options })],
    controllers: [ApiController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  apps.push(app);
  return app;
}

async function bootError(options: Partial<AuthingModuleOptions>): Promise<AuthingConfigurationError> {
  const error = await createApp(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthingConfigurationError);
  return error as AuthingConfigurationError;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

test('forRoot({ appId, appHost }) boots and protects routes with local token validation', async () => {
  const app = await createApp();
  const server = app.getHttpServer();
  const { access_token: token } = await emulator.issueTokens({ user: 'reader@example.com' });
  const sub = emulator.findUser('reader@example.com')!.userId;

  const anonymous = await request(server).get('/api/me').expect(401);
  expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="authing"');
  await request(server).get('/api/me').set(bearer(token)).expect(200, { sub, via: 'bearer' });

  // Still a real check: another application's token and an expired one are refused.
  const other = emulator.addApp({ appName: 'another SPA' });
  const foreign = await emulator.issueTokens({ user: 'reader@example.com', appId: other.appId });
  const refused = await request(server).get('/api/me').set(bearer(foreign.access_token)).expect(401);
  expect(refused.body.check).toBe('audience');
  const expired = await emulator.issueTokens({ user: 'reader@example.com', expiresIn: -120 });
  await request(server).get('/api/me').set(bearer(expired.access_token)).expect(401);
});

test('the hosted login, used without redirectUri, fails naming redirectUri', async () => {
  const app = await createApp();
  const error = await app
    .get(AuthingStrategy)
    .load()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(AuthingConfigurationError);
  expect((error as AuthingConfigurationError).option).toBe('redirectUri');
  await request(app.getHttpServer()).get('/login').expect(500);
});

test('the hosted login without appSecret fails naming appSecret; the app itself boots', async () => {
  const app = await createApp({ redirectUri: 'http://127.0.0.1:3000/callback' });
  await request(app.getHttpServer()).get('/api/me').expect(401);
  const error = await app
    .get(AuthingStrategy)
    .load()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(AuthingConfigurationError);
  expect((error as AuthingConfigurationError).option).toBe('appSecret');
  expect((error as Error).message).toContain("tokenEndPointAuthMethod: 'none'");
  await request(app.getHttpServer()).get('/login').expect(500);
});

test('a public client (tokenEndPointAuthMethod none) may use the hosted login without a secret', async () => {
  const app = await createApp({ redirectUri: 'http://127.0.0.1:3000/callback', tokenEndPointAuthMethod: 'none' });
  const { strategy } = await app.get(AuthingStrategy).load();
  expect(strategy.name).toBe('openidconnect');
});

test('options that need the secret at once say so at start-up, naming appSecret', async () => {
  const introspection = await bootError({ tokenValidation: 'introspection' });
  expect(introspection.option).toBe('appSecret');
  expect(introspection.message).toContain("tokenValidation: 'introspection'");
  const explicit = await bootError({ revocationEndPointAuthMethod: 'client_secret_basic' });
  expect(explicit.option).toBe('appSecret');
  expect(explicit.message).toContain("revocationEndPointAuthMethod is 'client_secret_basic'");
  // A public client's introspection needs no secret.
  await createApp({ tokenValidation: 'introspection', introspectionEndPointAuthMethod: 'none' });
});
