import { ManagementClient, AuthenticationClient } from 'nestjs-authing/sdk';
import { AuthingEmulator } from 'nestjs-authing/testing';

let emulator: AuthingEmulator;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    seed: {
      users: [
        { email: 'alice@example.com', password: 'alice-pass', roles: ['admin'] },
        { email: 'bob@example.com', password: 'bob-pass' },
      ],
      app: {
        redirectUris: ['http://127.0.0.1:3000/callback'],
        logoutRedirectUris: ['http://127.0.0.1:3000/'],
      },
    },
  });
  // Point your app at it: AUTHING_APP_HOST = AUTHING_HOST = emulator.origin, and
  // emulator.app.appId / appSecret, emulator.accessKey.accessKeyId / accessKeySecret.
});

afterAll(() => emulator.stop());

test('the management API sees the seeded users', async () => {
  const management = new ManagementClient({ ...emulator.accessKey, host: emulator.host });
  const { data } = await management.listUsers({ options: { pagination: { page: 1, limit: 10 } } });
  expect(data.totalCount).toBe(2);
  await management.close();
});

test('a real access token for a user, without a login page', async () => {
  const { access_token } = await emulator.issueTokens({ user: 'alice@example.com' });
  const { appId, appSecret } = emulator.app;
  const auth = new AuthenticationClient({ appId, appSecret, appHost: emulator.appHost });
  await expect(auth.verifyAccessToken(access_token)).resolves.toMatchObject({ aud: appId });
  await auth.close();
});
