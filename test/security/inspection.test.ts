/**
 * Issue #10.7d: `util.inspect(x, { showHidden: true })` shows non-enumerable properties, so hiding a
 * secret that way hides nothing. The resolved module options (AUTHING_RESOLVED_OPTIONS), AuthingClients and
 * AuthingUser keep the app secret, the access key secret and the user's tokens in private fields:
 * no rendering (inspect with showHidden, getters and unlimited depth, JSON) contains them, while
 * the getters still hand them to the code that needs them.
 */
import { inspect } from 'node:util';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AUTHING_RESOLVED_OPTIONS,
  AuthingClients,
  AuthingModule,
  createAuthingUser,
  type AuthingUser,
  type ResolvedAuthingOptions,
} from '../../lib/index.js';
import { AuthingAuthenticator } from '../../lib/nest/authentication/authing-authenticator.service.js';
import { ForgingEmulator } from './support/forge.js';
import { SecurityHarness } from './support/harness.js';

const USER = { email: 'inspected@example.com', password: 'Insp3cted-secret-passw0rd' };

const harness = new SecurityHarness();
let source: ForgingEmulator;
let moduleRef: TestingModule;

beforeAll(async () => {
  harness.install();
  source = await ForgingEmulator.start({ seed: { users: [USER] }, logger: harness.emulatorLogger });
  const { emulator } = source;
  harness.secret('app secret', emulator.app.appSecret);
  harness.secret('access key secret', emulator.accessKey.accessKeySecret);
  moduleRef = await Test.createTestingModule({
    imports: [
      AuthingModule.forRoot({
        appId: emulator.app.appId,
        appSecret: emulator.app.appSecret,
        appHost: emulator.appHost,
        ...emulator.accessKey,
        host: emulator.host,
        loadSigningKeysOnStart: false,
      }),
    ],
  })
    .setLogger(harness.nestLogger)
    .compile();
});

afterAll(async () => {
  await moduleRef?.close();
  await source?.stop();
  harness.uninstall();
});

/** Every rendering a log line or an error report could make of a value. */
function renderings(value: unknown): string {
  return [
    inspect(value, { showHidden: true, depth: Infinity }),
    inspect(value, { showHidden: true, depth: Infinity, getters: true }),
    inspect(value),
    JSON.stringify(value) ?? '',
    String(value),
  ].join('\n');
}

test('the resolved options: no app secret or access key secret, yet the clients are built from them', () => {
  const options = moduleRef.get<ResolvedAuthingOptions>(AUTHING_RESOLVED_OPTIONS);
  expect(harness.secretsIn(renderings(options))).toEqual([]);
  expect(renderings(options)).toContain(source.emulator.app.appId); // the renderings do show the options
  expect(options.client.appSecret).toBe(source.emulator.app.appSecret);
  expect(options.management?.accessKeySecret).toBe(source.emulator.accessKey.accessKeySecret);
});

test('AuthingClients: no secret anywhere in its object graph', () => {
  const clients = moduleRef.get(AuthingClients);
  expect(harness.secretsIn(renderings(clients))).toEqual([]);
  expect(clients.hasManagement).toBe(true);
});

test('AuthingUser, bearer and session: no token, yet accessToken and idToken read back', async () => {
  const tokens = await source.emulator.issueTokens({ user: USER.email, nonce: 'n' });
  const accessToken = harness.token('access token', tokens.access_token);
  const idToken = harness.token('id token', tokens.id_token!);
  const result = await moduleRef.get(AuthingAuthenticator).verifyBearer(accessToken);
  expect(result.status).toBe('authenticated');
  const bearer = (result as { user: AuthingUser }).user;
  const session = createAuthingUser({
    claims: { sub: bearer.sub, email: USER.email },
    via: 'session',
    accessToken,
    idToken,
  });
  for (const user of [bearer, session]) {
    expect(harness.secretsIn(renderings(user))).toEqual([]);
    expect(renderings(user)).toContain(user.sub);
    expect(user.accessToken).toBe(accessToken);
    expect(Object.isFrozen(user)).toBe(true);
  }
  expect(session.idToken).toBe(idToken);
  expect(session.email).toBe(USER.email);
  expect(JSON.parse(JSON.stringify(session))).toEqual({
    sub: bearer.sub,
    claims: { sub: bearer.sub, email: USER.email },
    via: 'session',
    email: USER.email,
    name: null,
    roles: null,
  });
});

test('nothing this file handled reached the logs; no unhandled rejection', () => {
  expect(harness.leaks()).toEqual([]);
  expect(harness.unhandled).toEqual([]);
});
