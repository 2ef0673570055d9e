import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Redirect, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import session from 'express-session';
import passport from 'passport';
import request from 'supertest';
import {
  AuthingGuard,
  AuthingLoginGuard,
  AuthingModule,
  AuthingReturnTo,
  AuthingStrategy,
  authingSessionOptions,
  CurrentUser,
  type AuthingModuleOptions,
  type AuthingUser,
} from '../../lib/index.js';
import { createTestKeys, type TestKeys } from './support/keys.js';

/**
 * Hosted login against a scripted identity server: the token endpoint answers what each test says,
 * so the checks passport-openidconnect does not do (signature, PKCE) can be exercised.
 */
const APP_ID = 'login-app';
const APP_SECRET = 'login-secret';
const APP_ORIGIN = 'http://app.test';

interface TokenRequest {
  form: URLSearchParams;
}

let idp: Server;
let idpOrigin: string;
let keys: TestKeys;
let tokenRequests: TokenRequest[] = [];
/** What the token endpoint answers; receives the form and the nonce of the pending login. */
let tokenAnswer: (form: URLSearchParams) => Promise<{ status: number; body: unknown }>;
/** Nonces seen in authorize URLs, by state. */
const nonces = new Map<string, string>();

@Controller()
class LoginController {
  @Get('login')
  @UseGuards(AuthingLoginGuard)
  login() {
    return 'never';
  }

  @Get('callback')
  @UseGuards(AuthingLoginGuard)
  @Redirect()
  callback(@AuthingReturnTo() url: string) {
    return { url };
  }

  @Get('me')
  @UseGuards(AuthingGuard)
  me(@CurrentUser() user: AuthingUser) {
    return user;
  }
}

async function createApp(options: Partial<AuthingModuleOptions> = {}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthingModule.forRoot({
        appId: APP_ID,
        appSecret: APP_SECRET,
        appHost: idpOrigin,
        redirectUri: `${APP_ORIGIN}/callback`,
        serverJWKS: keys.jwks,
        allowedReturnTo: ['https://docs.example.com'],
        ...options,
      }),
    ],
    controllers: [LoginController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.use(session(authingSessionOptions({ secret: 'a-test-secret-of-enough-length' })));
  await app.init();
  return app;
}

async function goodTokens(form: URLSearchParams, overrides: Record<string, unknown> = {}) {
  void form;
  return {
    status: 200,
    body: {
      access_token: await keys.sign({ sub: 'user-1', scope: 'openid profile email', roles: ['admin'] }),
      id_token: await keys.sign({
        sub: 'user-1',
        email: 'ada@example.com',
        name: 'Ada',
        nonce: currentNonce,
        ...overrides,
      }),
      token_type: 'Bearer',
      expires_in: 3600,
    },
  };
}

let currentNonce: string | undefined;
let app: INestApplication;

beforeAll(async () => {
  idp = createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/oidc/token') {
      const form = new URLSearchParams(await body(req));
      tokenRequests.push({ form });
      const answer = await tokenAnswer(form);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  idpOrigin = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  keys = await createTestKeys(idpOrigin, APP_ID);
  app = await createApp();
});

afterAll(async () => {
  await app?.close();
  idp.closeAllConnections();
  await new Promise((resolve) => idp.close(resolve));
});

beforeEach(() => {
  tokenRequests = [];
  tokenAnswer = goodTokens;
});

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(text));
  });
}

/** GET /login with a cookie agent; returns the authorize URL's parameters. */
async function startLogin(agent: request.Agent, returnTo?: string) {
  const response = await agent
    .get(returnTo === undefined ? '/login' : `/login?returnTo=${encodeURIComponent(returnTo)}`)
    .expect(302);
  const url = new URL(response.headers.location!);
  const state = url.searchParams.get('state')!;
  nonces.set(state, url.searchParams.get('nonce')!);
  return { url, state, nonce: url.searchParams.get('nonce')!, challenge: url.searchParams.get('code_challenge')! };
}

async function callback(agent: request.Agent, state: string, code = 'the-code') {
  currentNonce = nonces.get(state);
  return agent.get(`/callback?code=${code}&state=${encodeURIComponent(state)}`);
}

describe('hosted login', () => {
  test('the strategy is a singleton registered with passport as "authing" at start-up', async () => {
    const registered = (passport as unknown as { _strategy(name: string): unknown })._strategy('authing');
    const { strategy } = await app.get(AuthingStrategy).load();
    // What passport runs for AuthGuard('authing') wraps the strategy (it also starts the session).
    expect(registered).toMatchObject({ name: 'authing', authenticate: expect.any(Function) });
    expect((passport as unknown as { _strategy(name: string): unknown })._strategy('authing')).toBe(registered);
    expect((await app.get(AuthingStrategy).load()).strategy).toBe(strategy);
  });

  test('the authorize request carries client, redirect, scope, state, nonce and an S256 challenge', async () => {
    const agent = request.agent(app.getHttpServer());
    const { url } = await startLogin(agent);
    expect(`${url.origin}${url.pathname}`).toBe(`${idpOrigin}/oidc/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      response_mode: 'query',
      client_id: APP_ID,
      redirect_uri: `${APP_ORIGIN}/callback`,
      scope: 'openid profile email roles',
      nonce: expect.stringMatching(/^[\w-]{24}$/),
      state: expect.stringMatching(/^[\w-]{24}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
    });
  });

  test('the callback exchanges the code with the PKCE verifier and starts the session', async () => {
    const agent = request.agent(app.getHttpServer());
    const { state, challenge } = await startLogin(agent, '/after?x=1');
    const response = await callback(agent, state);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/after?x=1');
    expect(tokenRequests).toHaveLength(1);
    const form = tokenRequests[0]!.form;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code')).toBe('the-code');
    expect(form.get('redirect_uri')).toBe(`${APP_ORIGIN}/callback`);
    expect(form.get('client_id')).toBe(APP_ID);
    expect(form.get('client_secret')).toBe(APP_SECRET);
    expect(createHash('sha256').update(form.get('code_verifier')!).digest('base64url')).toBe(challenge);
    const me = await agent.get('/me').expect(200);
    expect(me.body).toMatchObject({
      sub: 'user-1',
      email: 'ada@example.com',
      name: 'Ada',
      roles: ['admin'],
      via: 'session',
    });
  });

  test('several tabs can log in at once (one pending login per state)', async () => {
    const agent = request.agent(app.getHttpServer());
    const first = await startLogin(agent, '/first');
    const second = await startLogin(agent, '/second');
    expect(first.state).not.toBe(second.state);
    const done2 = await callback(agent, second.state);
    expect(done2.headers.location).toBe('/second');
    // The session id changed at the first completion; the other tab's login survived it.
    const done1 = await callback(agent, first.state);
    expect(done1.status).toBe(302);
    expect(done1.headers.location).toBe('/first');
  });

  test('a state is single-use and an unknown one is refused with 401, not 500', async () => {
    const agent = request.agent(app.getHttpServer());
    const { state } = await startLogin(agent);
    await callback(agent, state).then((r) => expect(r.status).toBe(302));
    const replay = await callback(agent, state);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: 'state' });
    const forged = await request(app.getHttpServer()).get('/callback?code=x&state=made-up');
    expect(forged.status).toBe(401);
    expect(tokenRequests).toHaveLength(1);
  });

  test('an id_token signed by another key is refused although passport-openidconnect accepts it', async () => {
    tokenAnswer = async (form) => {
      const answer = await goodTokens(form);
      (answer.body as { id_token: string }).id_token = await keys.sign(
        { sub: 'user-1', nonce: currentNonce },
        { foreign: true },
      );
      return answer;
    };
    const agent = request.agent(app.getHttpServer());
    const { state } = await startLogin(agent);
    const response = await callback(agent, state);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'id_token_signature' });
    await agent.get('/me').expect(401); // no session was started
  });

  test('an id_token with another nonce is refused', async () => {
    tokenAnswer = (form) => goodTokens(form, { nonce: 'someone-elses-nonce' });
    const agent = request.agent(app.getHttpServer());
    const { state } = await startLogin(agent);
    const response = await callback(agent, state);
    expect(response.status).toBe(401);
    await agent.get('/me').expect(401);
  });

  test('an expired id_token is refused', async () => {
    tokenAnswer = async (form) => {
      const answer = await goodTokens(form);
      (answer.body as { id_token: string }).id_token = await keys.sign(
        { sub: 'user-1', nonce: currentNonce },
        { expiresIn: -600 },
      );
      return answer;
    };
    const agent = request.agent(app.getHttpServer());
    const { state } = await startLogin(agent);
    expect((await callback(agent, state)).status).toBe(401);
  });

  test('a refused code is a 401 naming the token exchange', async () => {
    tokenAnswer = async () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } });
    const agent = request.agent(app.getHttpServer());
    const { state } = await startLogin(agent);
    const response = await callback(agent, state);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({
      error: 'token_exchange',
      message: 'the token endpoint refused the code (invalid_grant)',
    });
  });

  test('Authing answering ?error=access_denied is a 401', async () => {
    const agent = request.agent(app.getHttpServer());
    const { state } = await startLogin(agent);
    const response = await agent.get(`/callback?error=access_denied&error_description=nope&state=${state}`);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'access_denied' });
  });

  test('an unreachable token endpoint is a 503', async () => {
    const down = await createApp({ appHost: 'http://127.0.0.1:9', serverJWKS: keys.jwks, retry: false, timeout: 2000 });
    try {
      const agent = request.agent(down.getHttpServer());
      const start = await agent.get('/login').expect(302);
      const state = new URL(start.headers.location!).searchParams.get('state')!;
      const response = await agent.get(`/callback?code=x&state=${state}`);
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ error: 'unavailable' });
    } finally {
      await down.close();
    }
  });

  test('loginFailureRedirect turns failures into a redirect carrying the reason', async () => {
    const redirecting = await createApp({ loginFailureRedirect: '/login-failed?lang=en' });
    try {
      const response = await request(redirecting.getHttpServer()).get('/callback?code=x&state=unknown').expect(302);
      expect(response.headers.location).toBe('/login-failed?lang=en&error=state');
    } finally {
      await redirecting.close();
    }
  });

  test('pending logins expire', async () => {
    const quick = await createApp({ loginTimeout: 1 });
    try {
      const agent = request.agent(quick.getHttpServer());
      const { state } = await startLogin(agent);
      await new Promise((resolve) => setTimeout(resolve, 10));
      const response = await callback(agent, state);
      expect(response.status).toBe(401);
      expect(response.body.message).toMatch(/took too long/);
    } finally {
      await quick.close();
    }
  });

  test('without express-session the guard says what is missing', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthingModule.forRoot({
          appId: APP_ID,
          appSecret: APP_SECRET,
          appHost: idpOrigin,
          redirectUri: `${APP_ORIGIN}/callback`,
          serverJWKS: keys.jwks,
        }),
      ],
      controllers: [LoginController],
    }).compile();
    const bare = moduleRef.createNestApplication({ logger: false });
    await bare.init();
    const errors: unknown[] = [];
    const guard = bare.get(AuthingLoginGuard);
    try {
      await guard.canActivate({
        getType: () => 'http',
        switchToHttp: () => ({ getRequest: () => ({ headers: {}, query: {} }), getResponse: () => ({}) }),
      } as never);
    } catch (error) {
      errors.push(error);
    }
    expect(String(errors[0])).toMatch(/AuthingLoginGuard needs a session: install express-session/);
    await bare.close();
  });
});

describe('returnTo through the login', () => {
  test.each([
    ['/profile', '/profile'],
    ['/a/b?c=d#e', '/a/b?c=d#e'],
    ['https://docs.example.com/page', 'https://docs.example.com/page'],
    ['//evil.com', '/'],
    ['/\\evil.com', '/'],
    ['https://evil.com', '/'],
    ['https://docs.example.com.evil.com/', '/'],
    ['javascript:alert(1)', '/'],
    ['/%0d%0aSet-Cookie:x=y', '/%0d%0aSet-Cookie:x=y'],
  ])('returnTo=%s lands on %s', async (returnTo, expected) => {
    const agent = request.agent(app.getHttpServer());
    const { state } = await startLogin(agent, returnTo);
    const response = await callback(agent, state);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(expected);
  });
});
