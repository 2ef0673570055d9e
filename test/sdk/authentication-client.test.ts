import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  AuthenticationClient,
  AuthingArgumentError,
  AuthingCallbackError,
  AuthingHttpError,
  type AuthenticationClientOptions,
  type EndpointAuthMethod,
} from '../../lib/sdk/index.js';
import { RecordingServer, type RecordedRequest } from '../support/recording-server.js';

const APP_ID = 'app-1';
const APP_SECRET = 'super-secret-app-key';
const USER_TOKEN = 'user-access-token-which-must-not-leak';

describe('AuthenticationClient', () => {
  const server = new RecordingServer();
  const clients: AuthenticationClient[] = [];

  beforeAll(async () => {
    await server.start();
  });
  afterEach(() => {
    server.take();
    server.respond = () => ({ body: JSON.stringify({ statusCode: 200, message: 'ok', data: null }) });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();
  });

  function client(extra: Partial<AuthenticationClientOptions> = {}): AuthenticationClient {
    const c = new AuthenticationClient({
      appId: APP_ID,
      appSecret: APP_SECRET,
      appHost: server.url,
      redirectUri: 'https://app.example/callback',
      retry: false,
      ...extra,
    });
    clients.push(c);
    return c;
  }

  function form(req: RecordedRequest): [string, string][] {
    return [...new URLSearchParams(req.body).entries()];
  }

  describe('options', () => {
    it.each([
      [{ appId: '' }, 'appId'],
      [{ appHost: 'not a url' }, 'appHost'],
      [{ protocol: 'ldap' as never }, 'protocol'],
      [{ appSecret: undefined }, 'tokenEndPointAuthMethod'],
      [{ appSecret: undefined, tokenEndPointAuthMethod: 'none' as const }, 'introspectionEndPointAuthMethod'],
      [{ revocationEndPointAuthMethod: 'client_secret_jwt' as never }, 'revocationEndPointAuthMethod'],
      [{ redirectUri: '/relative' }, 'redirectUri'],
      [{ timeout: -1 }, 'timeout'],
      [{ lang: 'fr-FR' as never }, 'lang'],
      [{ idTokenSigningAlg: 'none' as never }, 'idTokenSigningAlg'],
      [{ clockTolerance: Number.NaN }, 'clockTolerance'],
    ])('refuses %j naming %s', (override, argument) => {
      let error: unknown;
      try {
        client(override as Partial<AuthenticationClientOptions>);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AuthingArgumentError);
      expect((error as AuthingArgumentError).argument).toBe(argument);
      expect(String(error)).not.toContain(APP_SECRET);
    });

    it('accepts a public client with every method set to none', () => {
      const c = client({
        appSecret: undefined,
        tokenEndPointAuthMethod: 'none',
        introspectionEndPointAuthMethod: 'none',
        revocationEndPointAuthMethod: 'none',
      });
      expect(c.protocol).toBe('oidc');
    });

    it('keeps the secret and the user token out of inspect output', () => {
      const c = client({ accessToken: USER_TOKEN });
      const text = inspect(c, { depth: 10 }) + JSON.stringify(c);
      expect(text).not.toContain(APP_SECRET);
      expect(text).not.toContain(USER_TOKEN);
    });
  });

  describe('hosted login URLs', () => {
    it('builds an OIDC authorize URL with state, nonce and an S256 PKCE challenge', () => {
      const result = client().buildAuthorizeUrl();
      const url = new URL(result.url);
      expect(url.origin + url.pathname).toBe(`${server.url}/oidc/auth`);
      const q = Object.fromEntries(url.searchParams);
      expect(q).toMatchObject({
        redirect_uri: 'https://app.example/callback',
        response_mode: 'query',
        response_type: 'code',
        client_id: APP_ID,
        scope: 'openid profile',
        state: result.state,
        nonce: result.nonce,
        code_challenge_method: 'S256',
      });
      expect(q.prompt).toBeUndefined();
      expect(result.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(q.code_challenge).toBe(createHash('sha256').update(result.codeVerifier!).digest('base64url'));
      const again = client().buildAuthorizeUrl();
      expect(again.state).not.toBe(result.state);
      expect(again.codeVerifier).not.toBe(result.codeVerifier);
    });

    it('asks consent for offline_access, login when forced, and can leave PKCE out', () => {
      const offline = new URL(client({ scope: 'openid offline_access' }).buildAuthorizeUrl().url);
      expect(offline.searchParams.get('prompt')).toBe('consent');
      const forced = new URL(client({ scope: 'openid offline_access' }).buildAuthorizeUrl({ forced: true }).url);
      expect(forced.searchParams.get('prompt')).toBe('login');
      const plain = client().buildAuthorizeUrl({ pkce: false, state: 's', nonce: 'n' });
      expect(plain.codeVerifier).toBeUndefined();
      expect(new URL(plain.url).searchParams.has('code_challenge')).toBe(false);
      expect(plain.state).toBe('s');
    });

    it('builds the CAS, SAML and OAuth entry points', () => {
      expect(client({ protocol: 'saml' }).buildAuthorizeUrl().url).toBe(`${server.url}/api/v2/saml-idp/${APP_ID}`);
      expect(client({ protocol: 'cas' }).buildAuthorizeUrl({ service: 'https://svc.example/a?b=1&c=2' }).url).toBe(
        `${server.url}/cas-idp/${APP_ID}?service=${encodeURIComponent('https://svc.example/a?b=1&c=2')}`,
      );
      const oauth = client({ protocol: 'oauth' }).buildAuthorizeUrl();
      expect(new URL(oauth.url).pathname).toBe('/oauth/auth');
      expect(new URL(oauth.url).searchParams.get('state')).toBe(oauth.state);
    });

    it('builds logout URLs for OIDC, CAS and the other protocols', () => {
      const oidc = new URL(
        client({ logoutRedirectUri: 'https://app.example/bye' }).buildLogoutUrl({ idToken: 'id.tok.en', state: 'st' }),
      );
      expect(oidc.pathname).toBe('/oidc/session/end');
      expect([...oidc.searchParams]).toEqual([
        ['post_logout_redirect_uri', 'https://app.example/bye'],
        ['state', 'st'],
        ['id_token_hint', 'id.tok.en'],
      ]);
      expect(client({ protocol: 'cas' }).buildLogoutUrl({ redirectUri: 'https://a.example/?x=1&y=2' })).toBe(
        `${server.url}/cas-idp/logout?url=${encodeURIComponent('https://a.example/?x=1&y=2')}`,
      );
      expect(client({ protocol: 'saml' }).buildLogoutUrl({ redirectUri: 'https://a.example/' })).toBe(
        `${server.url}/login/profile/logout?redirect_uri=${encodeURIComponent('https://a.example/')}`,
      );
    });
  });

  describe('token endpoints', () => {
    const tokenSet = { access_token: 'at', id_token: 'it', token_type: 'Bearer', expires_in: 3600 };

    it.each<[EndpointAuthMethod, [string, string][], string | undefined]>([
      [
        'client_secret_post',
        [
          ['client_id', APP_ID],
          ['client_secret', APP_SECRET],
          ['grant_type', 'authorization_code'],
          ['code', 'the-code'],
          ['redirect_uri', 'https://app.example/callback'],
          ['code_verifier', 'v'.repeat(43)],
        ],
        undefined,
      ],
      [
        'client_secret_basic',
        [
          ['grant_type', 'authorization_code'],
          ['code', 'the-code'],
          ['redirect_uri', 'https://app.example/callback'],
          ['code_verifier', 'v'.repeat(43)],
        ],
        `Basic ${Buffer.from(`${APP_ID}:${APP_SECRET}`).toString('base64')}`,
      ],
      [
        'none',
        [
          ['client_id', APP_ID],
          ['grant_type', 'authorization_code'],
          ['code', 'the-code'],
          ['redirect_uri', 'https://app.example/callback'],
          ['code_verifier', 'v'.repeat(43)],
        ],
        undefined,
      ],
    ])('exchanges a code with %s and never sends the user token', async (method, expectedForm, authorization) => {
      server.respond = () => ({ body: JSON.stringify(tokenSet) });
      const c = client({ tokenEndPointAuthMethod: method, accessToken: USER_TOKEN });
      const response = await c.getAccessTokenByCode('the-code', { codeVerifier: 'v'.repeat(43) });
      expect(response).toEqual({ statusCode: 200, message: 'OK', data: tokenSet });
      const [req] = server.take();
      expect(req!.method).toBe('POST');
      expect(req!.path).toBe('/oidc/token');
      expect(req!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(req!.headers['x-authing-app-id']).toBe(APP_ID);
      expect(form(req!)).toEqual(expectedForm);
      expect(req!.headers.authorization).toBe(authorization);
      expect(JSON.stringify(req)).not.toContain(USER_TOKEN);
    });

    it('authenticates introspection and revocation with their own methods', async () => {
      server.respond = (req) => ({ body: req.path.endsWith('introspection') ? '{"active":true,"sub":"u"}' : '' });
      const c = client({
        introspectionEndPointAuthMethod: 'client_secret_basic',
        revocationEndPointAuthMethod: 'client_secret_post',
        accessToken: USER_TOKEN,
      });
      expect((await c.introspectToken('tok')).data).toEqual({ active: true, sub: 'u' });
      expect(await c.revokeToken('tok')).toEqual({ statusCode: 200, message: 'OK', data: true });
      const [introspection, revocation] = server.take();
      expect(introspection!.path).toBe('/oidc/token/introspection');
      expect(introspection!.headers.authorization).toMatch(/^Basic /);
      expect(form(introspection!)).toEqual([['token', 'tok']]);
      expect(revocation!.path).toBe('/oidc/token/revocation');
      expect(revocation!.headers.authorization).toBeUndefined();
      expect(form(revocation!)).toEqual([
        ['client_id', APP_ID],
        ['client_secret', APP_SECRET],
        ['token', 'tok'],
      ]);
    });

    it('returns an OAuth error as an envelope instead of throwing', async () => {
      server.respond = () => ({
        status: 400,
        body: JSON.stringify({ error: 'invalid_grant', error_description: 'grant request is invalid' }),
      });
      const response = await client().getNewAccessTokenByRefreshToken('stale');
      expect(response.statusCode).toBe(400);
      expect(response.message).toBe('grant request is invalid');
      expect(response.data).toEqual({ error: 'invalid_grant', error_description: 'grant request is invalid' });
    });

    it('throws AuthingHttpError on HTML or a 5xx from the token endpoint', async () => {
      server.respond = () => ({ status: 502, headers: { 'content-type': 'text/html' }, body: '<h1>Bad gateway</h1>' });
      const error = await client()
        .getAccessTokenByCode('c')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthingHttpError);
      expect((error as AuthingHttpError).status).toBe(502);
      expect(String(error)).not.toContain(APP_SECRET);
    });

    it('sends the userinfo token in the Authorization header by default, or where asked', async () => {
      server.respond = () => ({ body: '{"sub":"u1"}' });
      const c = client();
      expect((await c.getUserInfoByAccessToken('at-1')).data).toEqual({ sub: 'u1' });
      await c.getUserInfoByAccessToken('at-2', { tokenPlace: 'query' });
      await c.getUserInfoByAccessToken('at-3', { method: 'POST', tokenPlace: 'body' });
      const [header, query, body] = server.take();
      expect(header!.headers.authorization).toBe('Bearer at-1');
      expect(header!.query).toEqual([]);
      expect(query!.query).toEqual([['access_token', 'at-2']]);
      expect(query!.headers.authorization).toBeUndefined();
      expect(body!.method).toBe('POST');
      expect(body!.body).toBe('access_token=at-3');
      await expect(c.getUserInfoByAccessToken('x', { method: 'GET', tokenPlace: 'body' })).rejects.toThrow(
        AuthingArgumentError,
      );
    });

    it('refuses token calls for protocols without a token endpoint', async () => {
      await expect(client({ protocol: 'cas' }).getAccessTokenByCode('c')).rejects.toThrow(AuthingArgumentError);
    });
  });

  describe('end-user API', () => {
    it('signs in with the client credentials in the body and without the user token', async () => {
      const c = client({ accessToken: USER_TOKEN });
      await c.signInByEmailPassword({ email: 'a@example.com', password: 'pw' });
      const [req] = server.take();
      expect(req!.path).toBe('/api/v3/signin');
      expect(JSON.parse(req!.body)).toEqual({
        connection: 'PASSWORD',
        passwordPayload: { password: 'pw', email: 'a@example.com' },
        client_id: APP_ID,
        client_secret: APP_SECRET,
      });
      expect(req!.headers.authorization).toBeUndefined();
    });

    it('signs in with a Basic header under client_secret_basic', async () => {
      await client({ tokenEndPointAuthMethod: 'client_secret_basic' }).signInByPhonePassCode({
        phone: '13800000000',
        passCode: '1234',
      });
      const [req] = server.take();
      expect(req!.headers.authorization).toBe(`Basic ${Buffer.from(`${APP_ID}:${APP_SECRET}`).toString('base64')}`);
      expect(JSON.parse(req!.body)).toEqual({
        connection: 'PASSCODE',
        passCodePayload: { phone: '13800000000', passCode: '1234' },
      });
    });

    it('refuses a sign-in without a password, naming it, before any request', async () => {
      await expect(client().signInByEmailPassword({ email: 'a@example.com' } as never)).rejects.toThrow(/"password"/);
      expect(server.take()).toHaveLength(0);
    });

    it('sends the user token bare after setAccessToken, as Authing expects', async () => {
      server.respond = () => ({ body: JSON.stringify({ statusCode: 200, message: 'ok', data: { nickname: '张三' } }) });
      const c = client();
      c.setAccessToken(USER_TOKEN);
      const response = await c.updateProfile({ nickname: '张三' });
      expect(response.data.nickname).toBe('张三');
      await c.getRoleList({ namespace: 'default' });
      const [update, roles] = server.take();
      expect(update!.method).toBe('POST');
      expect(update!.path).toBe('/api/v3/update-profile');
      expect(update!.headers.authorization).toBe(USER_TOKEN);
      expect(JSON.parse(update!.body)).toEqual({ nickname: '张三' });
      expect(roles!.path).toBe('/api/v3/get-my-role-list');
      expect(roles!.query).toEqual([['namespace', 'default']]);
    });

    it('derives per-user clients that do not share tokens', async () => {
      const root = client();
      await root.withAccessToken('token-a').getProfile();
      await root.withAccessToken('token-b').getProfile();
      await root.getProfile();
      const [a, b, none] = server.take();
      expect(a!.headers.authorization).toBe('token-a');
      expect(b!.headers.authorization).toBe('token-b');
      expect(none!.headers.authorization).toBeUndefined();
      expect(root.accessToken).toBeUndefined();
    });
  });

  describe('handleRedirectCallback', () => {
    let keys: Awaited<ReturnType<typeof generateKeyPair>>;
    let jwk: Record<string, unknown>;

    beforeAll(async () => {
      keys = await generateKeyPair('RS256', { extractable: true });
      jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256' };
    });

    async function idToken(claims: Record<string, unknown>): Promise<string> {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(`${server.url}/oidc`)
        .setAudience(APP_ID)
        .setSubject('user-9')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(keys.privateKey);
    }

    function loginClient(): AuthenticationClient {
      return client({ serverJWKS: { keys: [jwk as never] } });
    }

    async function failure(promise: Promise<unknown>): Promise<AuthingCallbackError> {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthingCallbackError);
      return error as AuthingCallbackError;
    }

    it('checks state, exchanges the code with the verifier and verifies the id_token', async () => {
      const c = loginClient();
      const login = c.buildAuthorizeUrl();
      const token = await idToken({ nonce: login.nonce });
      server.respond = (req) =>
        req.path === '/oidc/me'
          ? { body: JSON.stringify({ sub: 'user-9', email: 'u@example.com' }) }
          : { body: JSON.stringify({ access_token: 'at', id_token: token, token_type: 'Bearer', expires_in: 60 }) };
      const result = await c.handleRedirectCallback(
        `https://app.example/callback?code=abc&state=${login.state!}`,
        login as { state: string },
        { fetchUserInfo: true },
      );
      expect(result.claims.sub).toBe('user-9');
      expect(result.userInfo?.email).toBe('u@example.com');
      const [tokenRequest] = server.take();
      expect(new URLSearchParams(tokenRequest!.body).get('code_verifier')).toBe(login.codeVerifier);
    });

    it('refuses a wrong state before any request', async () => {
      const c = loginClient();
      const login = c.buildAuthorizeUrl();
      const error = await failure(
        c.handleRedirectCallback({ code: 'abc', state: 'forged' }, login as { state: string }),
      );
      expect(error.reason).toBe('state');
      expect(server.take()).toHaveLength(0);
    });

    it('refuses an error callback, a missing code, and a refused code', async () => {
      const c = loginClient();
      const login = c.buildAuthorizeUrl() as { state: string };
      expect(
        (await failure(c.handleRedirectCallback({ error: 'access_denied', state: login.state }, login))).reason,
      ).toBe('authorization_error');
      expect((await failure(c.handleRedirectCallback({ state: login.state }, login))).reason).toBe('missing_code');
      server.respond = () => ({ status: 400, body: '{"error":"invalid_grant"}' });
      const refused = await failure(c.handleRedirectCallback({ code: 'used', state: login.state }, login));
      expect(refused.reason).toBe('token_exchange');
      expect(refused.error).toBe('invalid_grant');
    });

    it('refuses an id_token with the wrong nonce, and a userinfo sub that differs', async () => {
      const c = loginClient();
      const login = c.buildAuthorizeUrl() as { state: string; nonce: string };
      const wrongNonce = await idToken({ nonce: 'someone-else' });
      server.respond = () => ({
        body: JSON.stringify({ access_token: 'at', id_token: wrongNonce, token_type: 'Bearer' }),
      });
      const nonceError = await failure(c.handleRedirectCallback({ code: 'a', state: login.state }, login));
      expect(nonceError.reason).toBe('id_token');
      expect(nonceError.tokenError?.check).toBe('nonce');

      const good = await idToken({ nonce: login.nonce });
      server.respond = (req) =>
        req.path === '/oidc/me'
          ? { body: JSON.stringify({ sub: 'somebody-else' }) }
          : { body: JSON.stringify({ access_token: 'at', id_token: good, token_type: 'Bearer' }) };
      const subError = await failure(
        c.handleRedirectCallback({ code: 'b', state: login.state }, login, { fetchUserInfo: true }),
      );
      expect(subError.reason).toBe('userinfo');
    });
  });
});
