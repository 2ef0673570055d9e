import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { claimsForScopes, KNOWN_SCOPES } from './claims.js';
import { newJti, type KeyRing } from './keys.js';
import type { AppRecord, Store, UserRecord } from './store.js';
import type { EmulatorTokenSet } from './types.js';

/** A verified access token: a JWT of ours with `sub`, `scope` and `jti`. */
export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  jti: string;
  scope: string;
  client_id?: string;
}

/**
 * Issues and checks the tokens of both front doors (hosted login and `/api/v3/signin`): the same
 * keys, issuer and claim set, so one JWKS verifies both and every endpoint accepts both. Access
 * tokens are stateless JWTs; revocation is remembered by `jti` (and by grant for hosted-login
 * tokens) until they expire.
 */
export class TokenService {
  readonly #revokedJti = new Map<string, number>();
  readonly #grantOfJti = new Map<string, { grantId: string; exp: number }>();
  readonly #revokedGrants = new Map<string, number>();

  constructor(
    private readonly keys: () => KeyRing,
    private readonly issuer: string,
    private readonly store: Store,
    /** Lifetime of access tokens. */
    readonly ttlSeconds: number,
    /** Lifetime of id_tokens; default the access tokens'. */
    readonly idTokenTtlSeconds: number = ttlSeconds,
  ) {}

  /**
   * Access token, id_token and (with `offline_access`) a refresh token, as `/api/v3/signin` answers.
   * Scopes the emulator does not know are dropped.
   */
  async issue(
    user: UserRecord,
    app: AppRecord,
    scope: string,
    options: {
      expiresIn?: number;
      nonce?: string;
      refreshToken?: (scope: string) => Promise<string>;
      /** An Authing tenant the user signed in to: both tokens carry it as `tenant_id`. */
      tenantId?: string;
    } = {},
  ): Promise<EmulatorTokenSet> {
    // Only the scopes an application may grant, as the hosted login does: a scope the caller asks for
    // is not a permission it gets.
    const scopes = [...new Set(scope.split(/\s+/).filter((s) => KNOWN_SCOPES.includes(s)))];
    const normalized = scopes.join(' ');
    const ttl = options.expiresIn ?? this.ttlSeconds;
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + ttl;
    const keys = this.keys();
    const accessToken = await keys.sign({
      jti: newJti(),
      sub: user.userId,
      iat,
      exp,
      scope: normalized,
      client_id: app.appId,
      iss: this.issuer,
      aud: app.appId,
      ...(options.tenantId !== undefined ? { tenant_id: options.tenantId } : {}),
    });
    const idToken = await keys.sign({
      ...claimsForScopes(user, this.store, scopes),
      ...(options.tenantId !== undefined ? { tenant_id: options.tenantId } : {}),
      ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
      iat,
      exp: options.expiresIn !== undefined ? exp : iat + this.idTokenTtlSeconds,
      iss: this.issuer,
      aud: app.appId,
    });
    const set: EmulatorTokenSet = {
      access_token: accessToken,
      id_token: idToken,
      token_type: 'Bearer',
      expire_in: ttl,
      scope: normalized,
    };
    if (scopes.includes('offline_access') && options.refreshToken) {
      set.refresh_token = await options.refreshToken(normalized);
    }
    return set;
  }

  /** Verifies one of our access tokens (signature, issuer, expiry, revocation); throws when invalid. */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims> {
    const payload = await this.keys().verify(token, this.issuer);
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.scope !== 'string') {
      throw new Error('not an access token');
    }
    if (this.isRevoked(payload.jti)) throw new Error('the token was revoked');
    if (typeof payload.iat === 'number' && this.store.isKicked(payload.sub, payload.iat)) {
      throw new Error('the session was ended by an administrator');
    }
    return payload as AccessTokenClaims;
  }

  isRevoked(jti: string): boolean {
    if (this.#revokedJti.has(jti)) return true;
    const grant = this.#grantOfJti.get(jti);
    return grant !== undefined && this.#revokedGrants.has(grant.grantId);
  }

  revoke(jti: string, exp: number | undefined): void {
    this.#revokedJti.set(jti, exp ?? Math.floor(Date.now() / 1000) + this.ttlSeconds);
  }

  /** Remembers which grant a hosted-login access token belongs to, so revoking the grant revokes it. */
  noteIssued(jti: string, grantId: string | undefined, exp: number): void {
    if (grantId) this.#grantOfJti.set(jti, { grantId, exp });
  }

  revokeGrant(grantId: string): void {
    this.#revokedGrants.set(grantId, Math.floor(Date.now() / 1000) + 31 * 24 * 3600);
  }

  /** Forgets revocations of tokens that expired anyway. */
  sweep(): void {
    const now = Math.floor(Date.now() / 1000);
    for (const [jti, exp] of this.#revokedJti) if (exp < now) this.#revokedJti.delete(jti);
    for (const [jti, { exp }] of this.#grantOfJti) if (exp < now) this.#grantOfJti.delete(jti);
    for (const [grantId, until] of this.#revokedGrants) if (until < now) this.#revokedGrants.delete(grantId);
  }
}

/** The token of an end-user call: the bare token (as the official SDK sends it) or `Bearer <token>`. */
export function tokenFromAuthorization(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization?.trim();
  if (!value) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(value);
  const token = bearer ? bearer[1]!.trim() : value;
  return token === '' ? undefined : token;
}

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** Client credentials of a token, introspection, revocation or sign-in request. */
export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** Reads `Basic` credentials, else `client_id`/`client_secret` from the body, else a bare `client_id`. */
export function readClientCredentials(
  headers: IncomingHttpHeaders,
  body: Record<string, unknown>,
  fallbackClientId?: string,
): ClientCredentials {
  const auth = headers.authorization?.trim();
  const basic = auth ? /^Basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(auth) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return {
        clientId: formDecode(decoded.slice(0, colon)),
        clientSecret: formDecode(decoded.slice(colon + 1)),
        method: 'client_secret_basic',
      };
    }
  }
  const clientId = typeof body.client_id === 'string' ? body.client_id : fallbackClientId;
  if (typeof body.client_secret === 'string') {
    return { clientId, clientSecret: body.client_secret, method: 'client_secret_post' };
  }
  return { clientId, method: 'none' };
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Constant-time string comparison. */
export function secretsEqual(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
