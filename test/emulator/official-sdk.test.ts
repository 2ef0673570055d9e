import authing from 'authing-node-sdk';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { AuthingEmulator } from '../../lib/testing/index.js';

/**
 * The official authing-node-sdk against the emulator: if Authing's own SDK works unchanged, the
 * emulator speaks Authing's protocol (paths, signature, envelopes, client authentication).
 */
describe('emulator: driven by the official authing-node-sdk', () => {
  let emulator: AuthingEmulator;

  beforeAll(async () => {
    emulator = await AuthingEmulator.start({
      seed: {
        users: [{ email: 'bob@example.com', username: 'bob', password: 'bob-secret-1', name: 'Bob' }],
        apps: [{ appId: 'basic-app', tokenEndpointAuthMethod: 'client_secret_basic' }],
      },
    });
  });

  afterAll(() => emulator.stop());

  function authenticationClient(app = emulator.app) {
    return new authing.AuthenticationClient({
      appId: app.appId,
      appSecret: app.appSecret,
      appHost: emulator.appHost,
      redirectUri: app.redirectUris[0]!,
      tokenEndPointAuthMethod: app.tokenEndpointAuthMethod,
    });
  }

  it('signs in by email and password, then reads and updates the profile', async () => {
    const client = authenticationClient();
    const login = await client.signInByEmailPassword({ email: 'bob@example.com', password: 'bob-secret-1' });
    expect(login.statusCode).toBe(200);
    expect(login.data).toMatchObject({ token_type: 'Bearer', scope: 'openid profile', expire_in: 3600 });
    const { access_token: accessToken, id_token: idToken } = login.data;

    // Signed by the same keys as the OIDC side: one JWKS verifies both.
    const jwks = createLocalJWKSet((await (await fetch(`${emulator.issuer}/.well-known/jwks.json`)).json()) as never);
    const at = await jwtVerify(accessToken!, jwks, { issuer: emulator.issuer, audience: emulator.app.appId });
    const bob = emulator.findUser('bob@example.com')!;
    expect(at.payload).toMatchObject({ sub: bob.userId, scope: 'openid profile' });
    expect(at.payload.jti).toEqual(expect.any(String));
    expect(at.protectedHeader).toMatchObject({ alg: 'RS256', kid: emulator.currentKid });
    const id = await jwtVerify(idToken!, jwks, { issuer: emulator.issuer, audience: emulator.app.appId });
    expect(id.payload).toMatchObject({ sub: bob.userId, name: 'Bob' });

    client.setAccessToken(accessToken!);
    const profile = await client.getProfile({});
    expect(profile.statusCode).toBe(200);
    expect(profile.data).toMatchObject({ userId: bob.userId, email: 'bob@example.com', username: 'bob' });

    const updated = await client.updateProfile({ nickname: 'bobby', company: 'ACME' });
    expect(updated.statusCode).toBe(200);
    expect(updated.data).toMatchObject({ nickname: 'bobby', company: 'ACME' });
    expect(emulator.findUser(bob.userId)!.nickname).toBe('bobby');

    const wrong = await client.signInByEmailPassword({ email: 'bob@example.com', password: 'nope' });
    expect(wrong.statusCode).not.toBe(200);
    expect(wrong.apiCode).toBe(2006);
  });

  it('accepts client_secret_basic sign-in (Basic header instead of body credentials)', async () => {
    const app = emulator.apps.find((a) => a.appId === 'basic-app')!;
    const client = authenticationClient(app);
    const login = await client.signInByUsernamePassword({ username: 'bob', password: 'bob-secret-1' });
    expect(login.statusCode).toBe(200);
    const payload = JSON.parse(Buffer.from(login.data.access_token!.split('.')[1]!, 'base64url').toString());
    expect(payload.aud).toBe('basic-app');

    const forged = authenticationClient({ ...app, appSecret: 'wrong-secret' });
    const refused = await forged.signInByUsernamePassword({ username: 'bob', password: 'bob-secret-1' });
    expect(refused.statusCode).toBe(401);
  });

  it('lists users, creates a role and assigns it with the official ManagementClient', async () => {
    const management = new authing.ManagementClient({ ...emulator.accessKey, host: emulator.host });
    const list = await management.listUsers({ options: { pagination: { page: 1, limit: 10 } } });
    expect(list.statusCode).toBe(200);
    expect(list.data.totalCount).toBe(1);
    expect(list.data.list[0]!.email).toBe('bob@example.com');

    const role = await management.createRole({ code: 'admin', description: 'Administrators' });
    expect(role.statusCode).toBe(200);
    expect(role.data.code).toBe('admin');

    const userId = list.data.list[0]!.userId;
    const assigned = await management.assignRole({
      code: 'admin',
      targets: [{ targetType: 'USER' as never, targetIdentifier: userId }],
    });
    expect(assigned.statusCode).toBe(200);
    const roles = await management.getUserRoles({ userId });
    expect(roles.data.list.map((r) => r.code)).toEqual(['admin']);
    const user = await management.getUser({ userId });
    expect(user.data.email).toBe('bob@example.com');

    // The end user sees the role too, through the end-user API.
    const client = authenticationClient();
    const login = await client.signInByEmailPassword({ email: 'bob@example.com', password: 'bob-secret-1' });
    client.setAccessToken(login.data.access_token!);
    const myRoles = await client.getRoleList({});
    expect(myRoles.statusCode).toBe(200);
    expect(myRoles.data.map((r) => r.code)).toEqual(['admin']);
  });

  it('signs up, then refreshes, introspects and revokes sign-in tokens at the OIDC endpoints', async () => {
    const client = authenticationClient();
    const signup = await client.signUp({
      connection: 'PASSWORD' as never,
      passwordPayload: { email: 'gina@example.com', password: 'gina-pass-1' },
      profile: { nickname: 'gigi' },
    });
    expect(signup.statusCode).toBe(200);
    expect(signup.data).toMatchObject({ email: 'gina@example.com', nickname: 'gigi', userSourceType: 'register' });
    const again = await client.signUp({
      connection: 'PASSWORD' as never,
      passwordPayload: { email: 'gina@example.com', password: 'other' },
    });
    expect(again.statusCode).toBe(400);

    const login = await client.signInByEmailPassword({
      email: 'gina@example.com',
      password: 'gina-pass-1',
      options: { scope: 'openid profile email offline_access' },
    });
    expect(login.statusCode).toBe(200);
    const refreshToken = login.data.refresh_token!;
    expect(refreshToken).toEqual(expect.any(String));

    // The official SDK then sends the access token as a bare `authorization` header to /oidc/token
    // too; Authing ignores it, so does the emulator.
    client.setAccessToken(login.data.access_token!);
    const refreshed = (await client.getNewAccessTokenByRefreshToken(refreshToken)) as Record<string, string>;
    expect(refreshed.access_token).toEqual(expect.any(String));
    const payload = JSON.parse(Buffer.from(refreshed.access_token!.split('.')[1]!, 'base64url').toString());
    expect(payload).toMatchObject({ sub: signup.data.userId, aud: emulator.app.appId, iss: emulator.issuer });

    const active = (await client.introspectToken(login.data.access_token!)) as Record<string, unknown>;
    expect(active).toMatchObject({ active: true, sub: signup.data.userId });
    await client.revokeToken(login.data.access_token!);
    expect(await client.introspectToken(login.data.access_token!)).toEqual({ active: false });
    const profile = await client.getProfile({});
    expect(profile.statusCode).toBe(401);
  });

  it('signs in with a passcode "sent" by email', async () => {
    const client = authenticationClient();
    const sent = await client.sendEmail({ email: 'bob@example.com', channel: 'CHANNEL_LOGIN' as never });
    expect(sent.statusCode).toBe(200);
    const code = emulator.lastPasscode('bob@example.com');
    expect(code).toMatch(/^\d{6}$/);
    const bad = await client.signInByEmailPassCode({
      email: 'bob@example.com',
      passCode: code === '000000' ? '111111' : '000000',
    });
    expect(bad).toMatchObject({ statusCode: 400, apiCode: 2001 });
    const login = await client.signInByEmailPassCode({ email: 'bob@example.com', passCode: code! });
    expect(login.statusCode).toBe(200);
    expect(login.data.access_token).toEqual(expect.any(String));
    // Single use.
    const again = await client.signInByEmailPassCode({ email: 'bob@example.com', passCode: code! });
    expect(again.statusCode).toBe(400);
  });
});
