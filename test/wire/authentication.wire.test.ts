/**
 * Wire compatibility of the AuthenticationClient with the official authing-node-sdk@4.0.1: the same
 * call on both SDKs against one recording server must put the same request on the wire.
 *
 * Deliberate differences (ours is right, the official SDK is not), asserted rather than hidden:
 * - Path parameters such as `{credentialId}` are substituted; the official SDK sends the literal text.
 * - The end user's access token is not sent to the sign-in endpoints (`/api/v3/signin`,
 *   `/api/v3/signin-by-mobile`, `/api/v3/exchange-tokenset-with-qrcode-ticket`), which authenticate
 *   the application, nor to the token, introspection and revocation endpoints.
 * - `pub` identifies the SDK in its `source` field, as each SDK does in `x-authing-sdk-version`.
 */
import authing from 'authing-node-sdk';
import {
  AUTHENTICATION_ENDPOINTS,
  AuthenticationClient,
  type EndpointAuthMethod,
  type EndpointSpec,
} from '../../lib/sdk/index.js';
import { RecordingServer, type RecordedRequest } from '../support/recording-server.js';

const APP_ID = 'wire-app';
const APP_SECRET = 'wire-app-secret';
const USER_TOKEN = 'wire-user-token';
const CLIENT_AUTH_PATHS = new Set([
  '/api/v3/signin',
  '/api/v3/signin-by-mobile',
  '/api/v3/exchange-tokenset-with-qrcode-ticket',
]);

type AnyClient = Record<string, (...args: unknown[]) => Promise<unknown>>;

interface Compared {
  method: string;
  path: string;
  query: [string, string][];
  body: string;
  authorization: string | undefined;
  appId: string | undefined;
}

function view(req: RecordedRequest): Compared {
  return {
    method: req.method,
    path: req.path,
    query: req.query,
    body: req.body,
    authorization: req.headers.authorization,
    appId: req.headers['x-authing-app-id'] as string | undefined,
  };
}

/** Positional signatures of the official methods whose arguments are not one object. */
const OFFICIAL_POSITIONAL: Record<string, (args: Record<string, unknown>) => unknown[]> = {
  deleteWebAuthnCredential: (a) => [a.credentialId],
  deleteWebAuthnAdminCredential: (a) => [a.credentialId, a.userId, a.appId],
  updateWebAuthnCredential: ({ credentialId, ...body }) => [credentialId, body],
  updateWebAuthnAdminCredential: ({ credentialId, ...body }) => [credentialId, body],
  removeCredential: ({ credentialID, ...body }) => [credentialID, body],
};

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/** Arguments exercising every query parameter (values of several types) or a nested JSON body. */
function fullArgs(spec: EndpointSpec): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const p of pathParams(spec[1])) args[p] = `${p}-value`;
  if (spec[2] === 'query') {
    spec[3].forEach((param, i) => {
      const name = typeof param === 'string' ? param : param[0];
      args[name] = i % 3 === 0 ? `v ${i}&x=1` : i % 3 === 1 ? i : true;
    });
  } else if (spec[2] === 'body') {
    const values = ['张三 & "co"', 3, false, { list: [1, 'two'], deep: { ok: true } }, null];
    const fields = spec[3];
    // Declared fields only (others are refused); an undocumented body is sent as given.
    if (fields) fields.forEach((field, i) => (args[field] = values[i % values.length]));
    else Object.assign(args, { name: '张三', count: 3, flag: false, nested: { list: [1, 'two'], deep: { ok: true } } });
  }
  return args;
}

describe('AuthenticationClient wire compatibility with authing-node-sdk@4.0.1', () => {
  const server = new RecordingServer();
  const ours: AuthenticationClient[] = [];
  let identical = 0;
  const names = Object.keys(AUTHENTICATION_ENDPOINTS) as (keyof typeof AUTHENTICATION_ENDPOINTS)[];

  beforeAll(async () => {
    await server.start();
  });
  afterAll(async () => {
    await Promise.all(ours.map((c) => c.close()));
    await server.stop();
    process.stdout.write(`authentication wire-identical: ${identical}/${names.length}\n`);
  });

  function pair(method: EndpointAuthMethod = 'client_secret_post', token?: string) {
    const options = {
      appId: APP_ID,
      appSecret: APP_SECRET,
      appHost: server.url,
      redirectUri: 'https://app.example/callback',
      tokenEndPointAuthMethod: method,
      introspectionEndPointAuthMethod: method,
      revocationEndPointAuthMethod: method,
    };
    const official = new authing.AuthenticationClient({ ...options, retryTimes: 0 }) as unknown as AnyClient & {
      setAccessToken(t: string): void;
    };
    const mine = new AuthenticationClient({ ...options, retry: false });
    ours.push(mine);
    if (token) {
      official.setAccessToken(token);
      mine.setAccessToken(token);
    }
    return { official, mine: mine as unknown as AnyClient };
  }

  async function capture(call: () => Promise<unknown>): Promise<Compared> {
    server.take();
    await call();
    const requests = server.take();
    expect(requests).toHaveLength(1);
    return view(requests[0]!);
  }

  it.each(names)('%s sends the same request', async (name) => {
    const spec = AUTHENTICATION_ENDPOINTS[name] as EndpointSpec;
    const { official, mine } = pair('client_secret_post', USER_TOKEN);
    const rounds: Record<string, unknown>[] = [fullArgs(spec)];
    if (spec[2] === 'query') {
      const minimal: Record<string, unknown> = {};
      for (const p of pathParams(spec[1])) minimal[p] = `${p}-value`;
      rounds.push(minimal);
    }
    for (const args of rounds) {
      let officialArgs: unknown[];
      let ourArgs: unknown[];
      if (name === 'pub') {
        officialArgs = ['login', 'payload'];
        ourArgs = officialArgs;
      } else if (OFFICIAL_POSITIONAL[name]) {
        officialArgs = OFFICIAL_POSITIONAL[name](args);
        ourArgs = [args];
      } else if (spec[2] === 'none' && pathParams(spec[1]).length === 0) {
        officialArgs = [];
        ourArgs = [];
      } else {
        officialArgs = [args];
        ourArgs = [args];
      }
      const theirs = await capture(() => official[name]!(...officialArgs));
      const mineReq = await capture(() => mine[name]!(...ourArgs));

      // Path parameters: the official SDK leaves `{name}` in the path; ours substitutes the value.
      let expectedPath = theirs.path;
      for (const p of pathParams(spec[1])) {
        expectedPath = expectedPath.replace(`%7B${p}%7D`, `${p}-value`).replace(`{${p}}`, `${p}-value`);
      }
      expect(mineReq.method).toBe(theirs.method);
      expect(mineReq.path).toBe(expectedPath);
      expect(mineReq.query).toEqual(theirs.query);
      expect(mineReq.appId).toBe(theirs.appId);
      if (name === 'pub') {
        expect(JSON.parse(mineReq.body)).toEqual({ ...JSON.parse(theirs.body), source: 'nestjs-authing: 0.1.0' });
      } else {
        expect(mineReq.body).toBe(theirs.body);
      }
      if (CLIENT_AUTH_PATHS.has(spec[1])) {
        // The official SDK leaks the user's token to an endpoint that authenticates the app.
        expect(theirs.authorization).toBe(USER_TOKEN);
        expect(mineReq.authorization).toBeUndefined();
      } else {
        expect(mineReq.authorization).toBe(theirs.authorization);
      }
    }
    identical++;
  });

  describe('hand-written flow calls under each client authentication method', () => {
    const methods: EndpointAuthMethod[] = ['client_secret_post', 'client_secret_basic', 'none'];
    const tokenAnswer = () => ({ body: JSON.stringify({ access_token: 'a', token_type: 'Bearer', expires_in: 1 }) });

    afterEach(() => {
      server.respond = () => ({ body: JSON.stringify({ statusCode: 200, message: 'ok', data: null }) });
    });

    function formOf(r: Compared): [string, string][] {
      return [...new URLSearchParams(r.body).entries()];
    }

    it.each(methods)('token, refresh, introspection and revocation with %s', async (method) => {
      server.respond = tokenAnswer;
      const { official, mine } = pair(method);
      const calls: [string, unknown[]][] = [
        ['getAccessTokenByCode', ['code-1', { codeVerifier: 'v'.repeat(43) }]],
        ['getNewAccessTokenByRefreshToken', ['refresh-1']],
        ['introspectToken', ['token-1']],
        ['revokeToken', ['token-2']],
      ];
      for (const [name, args] of calls) {
        const theirs = await capture(() => official[name]!(...args));
        const mineReq = await capture(() => mine[name]!(...args));
        expect(mineReq.method).toBe(theirs.method);
        expect(mineReq.path).toBe(theirs.path);
        expect(formOf(mineReq)).toEqual(formOf(theirs));
        expect(mineReq.authorization).toBe(theirs.authorization);
        expect(mineReq.appId).toBe(APP_ID);
      }
    });

    it.each(methods)('sign-in by email and password with %s', async (method) => {
      const { official, mine } = pair(method);
      const args = { email: 'a@example.com', password: 'pw', options: { scope: 'openid' } };
      const theirs = await capture(() => official.signInByEmailPassword!(args));
      const mineReq = await capture(() => mine.signInByEmailPassword!(args));
      expect(mineReq).toEqual(theirs);
    });

    it('the other sign-in and sign-up helpers', async () => {
      const { official, mine } = pair('client_secret_post');
      const cases: [string, Record<string, unknown>][] = [
        ['signInByPhonePassword', { phone: '13800000000', password: 'pw' }],
        ['signInByUsernamePassword', { username: 'zhang', password: 'pw' }],
        ['signInByAccountPassword', { account: 'zhang', password: 'pw' }],
        ['signInByEmailPassCode', { email: 'a@example.com', passCode: '1234' }],
        ['signInByPhonePassCode', { phone: '13800000000', phoneCountryCode: '+86', passCode: '1234' }],
        ['signInByAD', { sAMAccountName: 'zhang', password: 'pw' }],
        ['signInByLDAP', { sAMAccountName: 'zhang', password: 'pw' }],
        ['signUpByEmailPassword', { email: 'a@example.com', password: 'pw', profile: { nickname: 'z' } }],
        ['signUpByUsernamePassword', { username: 'zhang', password: 'pw' }],
        ['signUpByEmailCode', { email: 'a@example.com', passCode: '1234' }],
        ['signUpByPhoneCode', { phone: '13800000000', passCode: '1234', phoneCountryCode: '+86' }],
      ];
      for (const [name, args] of cases) {
        const theirs = await capture(() => official[name]!(args));
        const mineReq = await capture(() => mine[name]!(args));
        expect({ name, ...mineReq }).toEqual({ name, ...theirs });
      }
    });

    it('userinfo with the token in the query, as the official SDK sends it by default', async () => {
      server.respond = () => ({ body: '{"sub":"u"}' });
      const { official, mine } = pair();
      const theirs = await capture(() => official.getUserInfoByAccessToken!('at-1'));
      const mineReq = await capture(() => mine.getUserInfoByAccessToken!('at-1', { tokenPlace: 'query' }));
      expect(mineReq).toEqual(theirs);
    });

    it('client credentials with an access key pair', async () => {
      server.respond = tokenAnswer;
      const { official, mine } = pair();
      const args = ['read:users', { accessKey: 'ak', accessSecret: 'sk' }];
      const theirs = await capture(() => official.getAccessTokenByClientCredentials!(...args));
      const mineReq = await capture(() => mine.getAccessTokenByClientCredentials!(...args));
      expect(formOf(mineReq)).toEqual(formOf(theirs));
      expect(mineReq.path).toBe(theirs.path);
    });

    it('does not leak the user token to the token endpoint, where the official SDK does', async () => {
      server.respond = tokenAnswer;
      const { official, mine } = pair('client_secret_post', USER_TOKEN);
      const theirs = await capture(() => official.getAccessTokenByCode!('code-1'));
      const mineReq = await capture(() => mine.getAccessTokenByCode!('code-1'));
      expect(theirs.authorization).toBe(USER_TOKEN);
      expect(mineReq.authorization).toBeUndefined();
      expect(formOf(mineReq)).toEqual(formOf(theirs));
    });

    it('builds the same authorize URL when PKCE is left out', () => {
      const { official, mine } = pair();
      const options = { state: 'st', nonce: 'no', scope: 'openid profile offline_access' };
      const theirs = (official as unknown as { buildAuthorizeUrl(o: unknown): { url: string } }).buildAuthorizeUrl(
        options,
      );
      const mineUrl = (mine as unknown as AuthenticationClient).buildAuthorizeUrl({ ...options, pkce: false });
      expect(mineUrl.url).toBe(theirs.url);
    });
  });
});
