import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationClient } from '../../lib/sdk/authentication/authentication-client.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { SoftAuthenticator } from './support/soft-authenticator.js';

type Data = Record<string, any>;
type Answer = { statusCode: number; apiCode?: number; message: string; data: Data };

/** Passkeys against the emulator with a software authenticator: real signatures, real refusals. */
describe('emulator: WebAuthn registration and sign-in', () => {
  let emulator: AuthingEmulator;
  const quinKey = new SoftAuthenticator('quin-key');
  const client = (token?: string): AuthenticationClient => {
    const c = new AuthenticationClient({ ...emulator.app, appHost: emulator.appHost });
    if (token) c.setAccessToken(token);
    return c;
  };
  const call = async (c: AuthenticationClient, name: string, args: unknown = {}): Promise<Answer> =>
    (await c.callEndpoint(name, args)) as never;
  const login = async (email: string, password: string): Promise<AuthenticationClient> => {
    const c = client();
    const answer = await c.signInByEmailPassword({ email, password });
    return client((answer.data as Data).access_token);
  };
  const register = async (c: AuthenticationClient, authenticator: SoftAuthenticator, name = 'initRegisterOptions') => {
    const options = (await call(c, name)).data;
    return call(c, 'verifyRegister', {
      ticket: options.ticket,
      authenticatorCode: 'fingerprint',
      registrationCredential: authenticator.create(options.registrationOptions),
    });
  };
  const signInWith = async (authenticator: SoftAuthenticator, tamper?: (credential: Data) => void) => {
    const anonymous = client();
    const options = (await call(anonymous, 'initAuthenticationOptions')).data;
    const credential = authenticator.get(options.authenticationOptions) as Data;
    tamper?.(credential);
    return call(anonymous, 'verifyAuthentication', { ticket: options.ticket, authenticationCredential: credential });
  };

  beforeAll(async () => {
    emulator = await AuthingEmulator.start({
      seed: {
        users: [
          { email: 'pia@example.com', password: 'pia-pass-1', name: 'Pia' },
          { email: 'quin@example.com', password: 'quin-pass-1' },
        ],
      },
    });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('registers a passkey only for the challenge it issued, then signs in with it', async () => {
    const pia = await login('pia@example.com', 'pia-pass-1');
    const key = new SoftAuthenticator('pia-key');
    const options = (await call(pia, 'initRegisterOptions')).data;
    expect(options.registrationOptions).toMatchObject({
      rp: { id: '127.0.0.1' },
      pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
      user: { name: 'pia@example.com', displayName: 'Pia' },
    });
    const forged = key.create({ ...options.registrationOptions, challenge: 'not-the-challenge' });
    const refused = await call(pia, 'verifyRegister', { ticket: options.ticket, registrationCredential: forged });
    expect(refused.apiCode).toBe(9400);
    expect(refused.message).toMatch(/challenge/);
    expect((await register(pia, key)).data).toEqual({ verified: true });
    expect((await register(pia, key, 'webAuthnRegisterInitalize')).apiCode).toBe(9409);

    const listed = (await call(pia, 'listWebAuthnCredentials', { page: 1, limit: 10 })).data;
    expect(listed).toEqual({
      list: [expect.objectContaining({ credentialId: key.credentialId, authenticatorCode: 'fingerprint' })],
      totalCount: 1,
    });
    const valid = await call(pia, 'checkValidCredentialsByCredIds', { credIds: [key.credentialId, 'other'] });
    expect(valid.data).toEqual([key.credentialId]);

    const signedIn = await signInWith(key);
    expect(signedIn.data.verified).toBe(true);
    const me = client(signedIn.data.tokenSet.access_token);
    expect((await call(me, 'getProfile')).data.email).toBe('pia@example.com');
    const history = (await call(me, 'getLoginHistory')).data.list as Data[];
    expect(history.map((r) => r.loginMethod)).toContain('WEBAUTHN');
  });

  it('refuses a wrong signature, a replayed counter, another key and a foreign MFA ticket', async () => {
    const key = new SoftAuthenticator('pia-key');
    const impostor = new SoftAuthenticator('pia-key');
    expect((await signInWith(impostor)).data).toEqual({ verified: false });
    const flipped = await signInWith(key, (c) => {
      const sig = Buffer.from(c.response.signature, 'base64url');
      sig.writeUInt8(sig.readUInt8(sig.length - 1) ^ 1, sig.length - 1);
      c.response.signature = sig.toString('base64url');
    });
    expect(flipped.data).toEqual({ verified: false });
    // The stored key is the first test's; this authenticator has the same id but a different key.
    const quin = await login('quin@example.com', 'quin-pass-1');
    await register(quin, quinKey);
    expect((await signInWith(quinKey)).data.verified).toBe(true);
    quinKey.counter -= 1;
    expect((await signInWith(quinKey)).data).toEqual({ verified: false });
    const pia = await login('pia@example.com', 'pia-pass-1');
    const mfa = (await call(pia, 'webAuthnMfaVerifyInitalize')).data;
    expect(mfa.authenticationOptions.allowCredentials).toEqual([
      { id: new SoftAuthenticator('pia-key').credentialId, type: 'public-key', transports: [] },
    ]);
    const foreign = await call(client(), 'verifyAuthentication', {
      ticket: mfa.ticket,
      authenticationCredential: quinKey.get(mfa.authenticationOptions),
    });
    expect(foreign.data).toEqual({ verified: false });
  });

  it('removes credentials by authenticator code; removed passkeys no longer sign in', async () => {
    const quin = await login('quin@example.com', 'quin-pass-1');
    const key = new SoftAuthenticator('quin-face');
    const options = (await call(quin, 'webAuthnMfaBindInitialize')).data;
    await call(quin, 'verifyRegister', {
      ticket: options.ticket,
      authenticatorCode: 'face',
      registrationCredential: key.create(options.registrationOptions),
    });
    expect((await call(quin, 'listCredentialsByPage', {})).data.totalCount).toBe(2);
    expect((await signInWith(key)).data.verified).toBe(true);
    await call(quin, 'removeAllCredentials', { authenticatorCode: 'face' });
    const left = (await call(quin, 'listWebAuthnPersonCredentials', {})).data.list as Data[];
    expect(left.map((c) => c.authenticatorCode)).toEqual(['fingerprint']);
    expect((await signInWith(key)).data).toEqual({ verified: false });
    const renamed = await call(quin, 'updateWebAuthnCredential', {
      credentialId: quinKey.credentialId,
      name: 'Laptop',
    });
    expect(renamed.data).toMatchObject({ credentialId: quinKey.credentialId, name: 'Laptop' });
    const pia = await login('pia@example.com', 'pia-pass-1');
    expect((await call(pia, 'deleteWebAuthnCredential', { credentialId: quinKey.credentialId })).apiCode).toBe(9410);
    const options2 = (await call(client(), 'webAuthnLoginInitalize')).data;
    const kept = await call(client(), 'webAuthnLoginFinalize', {
      ticket: options2.ticket,
      credential: quinKey.get(options2.authenticationOptions),
    });
    expect(kept.data.verified).toBe(true);
    expect((await call(client(kept.data.tokenSet.access_token), 'getProfile')).data.email).toBe('quin@example.com');
    expect((await call(quin, 'deleteWebAuthnCredential', { credentialId: quinKey.credentialId })).statusCode).toBe(200);
    expect((await call(quin, 'listWebAuthnCredentials', {})).data.totalCount).toBe(0);
    expect((await signInWith(quinKey)).data).toEqual({ verified: false });
    const piaKey = new SoftAuthenticator('pia-key');
    expect((await call(pia, 'removeCredential', { credentialID: piaKey.credentialId })).statusCode).toBe(200);
    expect((await call(pia, 'listWebAuthnCredentials', {})).data.totalCount).toBe(0);
  });

  it('keeps passkeys in the data file: a restarted emulator signs in with the same key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'authing-webauthn-'));
    const dataFile = join(dir, 'state.json');
    const seed = { users: [{ email: 'rex@example.com', password: 'rex-pass-1' }] };
    const key = new SoftAuthenticator('rex-key');
    const first = await AuthingEmulator.start({ dataFile, seed });
    const rex = new AuthenticationClient({ ...first.app, appHost: first.appHost });
    rex.setAccessToken(
      ((await rex.signInByEmailPassword({ email: 'rex@example.com', password: 'rex-pass-1' })).data as Data)
        .access_token,
    );
    const options = (await call(rex, 'initRegisterOptions')).data;
    await call(rex, 'verifyRegister', {
      ticket: options.ticket,
      registrationCredential: key.create(options.registrationOptions),
    });
    const app = first.app;
    await first.stop();
    const second = await AuthingEmulator.start({ dataFile });
    try {
      expect(second.app.appId).toBe(app.appId);
      const anonymous = new AuthenticationClient({ ...second.app, appHost: second.appHost });
      const login = (await call(anonymous, 'initAuthenticationOptions')).data;
      const answer = await call(anonymous, 'verifyAuthentication', {
        ticket: login.ticket,
        authenticationCredential: key.get(login.authenticationOptions),
      });
      expect(answer.data.verified).toBe(true);
    } finally {
      await second.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
