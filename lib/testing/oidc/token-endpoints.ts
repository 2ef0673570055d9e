import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { replayRequest } from '../browser-sdk.js';
import { claimsForScopes } from '../claims.js';
import { corsHeaders, parseForm, readBody, sendJson, type OriginPolicy } from '../http.js';
import type { OidcStorage } from '../oidc-adapter.js';
import type { AppRecord, Store } from '../store.js';
import {
  looksLikeJwt,
  readClientCredentials,
  secretsEqual,
  tokenFromAuthorization,
  type TokenService,
} from '../tokens.js';
import { describe } from './provider-config.js';

// ─── Authing-compatible endpoints in front of oidc-provider ───────────────────────────────────────

/** What the endpoints answered in front of oidc-provider work with. */
export interface TokenEndpointContext {
  readonly provider: Provider;
  storage: OidcStorage;
  issuer: string;
  store: Store;
  tokens: TokenService;
  allowedOrigin: OriginPolicy;
}

/**
 * `@authing/web` refreshes with the app id in an `x-authing-app-id` header, no `client_id` and an
 * empty `redirect_uri`; Authing accepts that for a public app. The body is read and replayed with
 * `client_id` set (and the empty `redirect_uri` dropped) for oidc-provider.
 */
export async function appIdAsClientId(store: Store, req: IncomingMessage): Promise<IncomingMessage> {
  const appId = req.headers['x-authing-app-id'] as string;
  const form = parseForm(await readBody(req));
  const app = store.apps.get(appId);
  if (form.client_id === undefined && app?.tokenEndpointAuthMethod === 'none') form.client_id = appId;
  if (form.redirect_uri === '') delete form.redirect_uri;
  return replayRequest(req, Buffer.from(new URLSearchParams(form).toString()));
}

/** `/oidc/me`: the claims of a JWT access token's user, the token also accepted as `?access_token=`. */
export async function userinfo(ctx: TokenEndpointContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const cors = corsHeaders(req, ctx.allowedOrigin);
  const url = new URL(req.url ?? '/', 'http://x');
  let token = url.searchParams.get('access_token') ?? tokenFromAuthorization(req.headers);
  if (!token && req.method === 'POST') token = parseForm(await readBody(req)).access_token;
  const fail = (description: string): void =>
    sendJson(
      res,
      401,
      { error: 'invalid_token', error_description: description },
      {
        ...cors,
        'www-authenticate': `Bearer realm="${ctx.issuer}", error="invalid_token", error_description="${description.replace(/[^\x20-\x7e]|["\\]/g, "'")}"`,
      },
    );
  if (!token) return fail('no access token provided');
  let claims;
  try {
    claims = await ctx.tokens.verifyAccessToken(token);
  } catch (error) {
    return fail(`invalid access token: ${describe(error)}`);
  }
  const user = ctx.store.users.get(claims.sub);
  if (!user) return fail('the user of this token no longer exists');
  sendJson(res, 200, claimsForScopes(user, ctx.store, claims.scope.split(' ')), cors);
}

/** Client authentication of introspection and revocation: any correct secret, or none for public apps. */
function authenticateClient(store: Store, req: IncomingMessage, form: Record<string, string>): AppRecord | string {
  const credentials = readClientCredentials(req.headers, form);
  if (!credentials.clientId) return 'client authentication is required';
  const app = store.apps.get(credentials.clientId);
  if (!app) return 'unknown client';
  if (credentials.clientSecret !== undefined) {
    return secretsEqual(credentials.clientSecret, app.appSecret) ? app : 'invalid client secret';
  }
  return app.tokenEndpointAuthMethod === 'none' ? app : 'client authentication is required';
}

/**
 * What introspection and revocation share (RFC 7662/7009): an authenticated client and a `token`
 * form field. Answers the error itself and returns undefined when either is missing.
 */
async function tokenRequest(ctx: TokenEndpointContext, req: IncomingMessage, res: ServerResponse) {
  const form = parseForm(await readBody(req));
  const cors = corsHeaders(req, ctx.allowedOrigin);
  const app = authenticateClient(ctx.store, req, form);
  if (typeof app === 'string') {
    sendJson(res, 401, { error: 'invalid_client', error_description: app }, cors);
    return undefined;
  }
  const token = form.token;
  if (!token) {
    sendJson(res, 400, { error: 'invalid_request', error_description: 'missing required parameter token' }, cors);
    return undefined;
  }
  return { form, cors, app, token };
}

/** RFC 7662 introspection of JWT access tokens and oidc-provider refresh tokens. */
export async function introspect(ctx: TokenEndpointContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await tokenRequest(ctx, req, res);
  if (!request) return;
  const { cors, app, token } = request;
  const publicClient = app.tokenEndpointAuthMethod === 'none';
  if (looksLikeJwt(token)) {
    try {
      const claims = await ctx.tokens.verifyAccessToken(token);
      const clientId = claims.client_id ?? (typeof claims.aud === 'string' ? claims.aud : undefined);
      if (publicClient && clientId !== app.appId) return sendJson(res, 200, { active: false }, cors);
      return sendJson(
        res,
        200,
        {
          active: true,
          sub: claims.sub,
          client_id: clientId,
          exp: claims.exp,
          iat: claims.iat,
          iss: claims.iss,
          scope: claims.scope,
          aud: claims.aud,
          jti: claims.jti,
          token_type: 'Bearer',
        },
        cors,
      );
    } catch {
      return sendJson(res, 200, { active: false }, cors);
    }
  }
  const refresh = await ctx.provider.RefreshToken.find(token);
  const grant = refresh ? await ctx.provider.Grant.find(refresh.grantId) : undefined;
  if (!refresh || !refresh.isValid || !grant || (publicClient && refresh.clientId !== app.appId)) {
    return sendJson(res, 200, { active: false }, cors);
  }
  return sendJson(
    res,
    200,
    {
      active: true,
      sub: refresh.accountId,
      client_id: refresh.clientId,
      exp: refresh.exp,
      iat: refresh.iat,
      iss: ctx.issuer,
      scope: refresh.scope,
      token_type: 'refresh_token',
    },
    cors,
  );
}

/** RFC 7009 revocation of JWT access tokens and oidc-provider refresh tokens (with their grant). */
export async function revoke(ctx: TokenEndpointContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await tokenRequest(ctx, req, res);
  if (!request) return;
  const { cors, app, token } = request;
  // RFC 7009 2.1: only the client a token was issued to may revoke it. As oidc-provider (and so
  // Authing) answers: a confidential client gets an error, a public one a silent no-op.
  const notYours = (): void =>
    sendJson(
      res,
      400,
      { error: 'invalid_request', error_description: 'client is not authorized to revoke the presented token' },
      cors,
    );
  if (looksLikeJwt(token)) {
    let claims;
    try {
      claims = await ctx.tokens.verifyAccessToken(token);
    } catch {
      // RFC 7009: an invalid token is not an error.
    }
    if (claims) {
      const clientId = claims.client_id ?? (typeof claims.aud === 'string' ? claims.aud : undefined);
      if (clientId === app.appId) ctx.tokens.revoke(claims.jti, claims.exp);
      else if (app.tokenEndpointAuthMethod !== 'none') return notYours();
    }
  } else {
    const refresh = await ctx.provider.RefreshToken.find(token);
    if (refresh && refresh.clientId !== app.appId && app.tokenEndpointAuthMethod !== 'none') return notYours();
    if (refresh && refresh.clientId === app.appId) {
      await refresh.destroy();
      const grant = await ctx.provider.Grant.find(refresh.grantId);
      await grant?.destroy();
      ctx.storage.revokeGrant(refresh.grantId);
      ctx.tokens.revokeGrant(refresh.grantId);
    }
  }
  res.writeHead(200, { 'content-length': '0', 'cache-control': 'no-store', ...cors });
  res.end();
}
