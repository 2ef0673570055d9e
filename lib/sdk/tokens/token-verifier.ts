import { createSecretKey, type KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { AuthingTokenError } from './errors.js';
import type { JwksStore } from './jwks-store.js';
import { tokenHash } from './token-hash.js';
import { VerifiedTokenCache } from './verified-cache.js';
import type { AccessTokenClaims, IdTokenClaims, TokenClaims } from './claims.js';

/** Signing algorithms Authing applications use for their tokens. */
export type TokenSigningAlg = 'RS256' | 'HS256';

export interface TokenVerifierOptions {
  /** Expected `iss`: `<appHost>/oidc` (or `/oauth`). */
  issuer: string;
  /** Expected `aud`: the application id. */
  audience: string;
  jwks: JwksStore;
  /** Key for HS256 tokens. */
  appSecret?: string;
  idTokenSigningAlg: TokenSigningAlg;
  accessTokenSigningAlg: TokenSigningAlg;
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. */
  clockTolerance: number;
  /** Longer tokens are refused before any parsing, which bounds the work an attacker can cause. */
  maxTokenLength: number;
  /** How many verified access tokens to remember; 0 turns the cache off. */
  cacheSize: number;
  /** Upper bound on how long a verified access token is remembered, in ms. */
  cacheMaxAgeMs: number;
  now?: () => number;
}

export interface VerifyIdTokenOptions {
  /** The nonce sent in the authorize request; required to match when given. */
  nonce?: string;
}

// jose is loaded on the first verification: an app that never verifies a token does not pay for it.
let joseModule: Promise<typeof import('jose')> | undefined;
const loadJose = (): Promise<typeof import('jose')> => (joseModule ??= import('jose'));

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Verifies Authing's id and access tokens locally: signature by the app's keys (or HS256 with the app
 * secret when configured so), issuer, audience and time claims. Only the configured algorithm is
 * accepted, which shuts out `alg: none` and RS256/HS256 confusion.
 *
 * Access tokens that already passed are remembered by their hash until they expire, so a hot token
 * costs one SHA-256 and a map lookup instead of an RSA verification.
 */
export class TokenVerifier {
  readonly #options: TokenVerifierOptions;
  readonly #cache: VerifiedTokenCache<AccessTokenClaims>;
  readonly #now: () => number;
  #secretKey: KeyObject | undefined;

  constructor(options: TokenVerifierOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#cache = new VerifiedTokenCache(options.cacheSize, this.#now);
  }

  /** Verifies an access token and returns its claims; throws {@link AuthingTokenError}. */
  async verifyAccessToken(token: string): Promise<AccessTokenClaims> {
    // Type and length first (bounded work), then the cache; the full shape check only on a miss.
    if (typeof token !== 'string' || token.length === 0 || token.length > this.#options.maxTokenLength) {
      this.#checkShape(token);
    }
    const key = tokenHash(token);
    const generation = this.#options.jwks.generation;
    const cached = this.#cache.get(key, generation);
    if (cached) return cached;
    this.#checkShape(token);
    const claims = await this.#verify<AccessTokenClaims>(token, this.#options.accessTokenSigningAlg);
    // An id_token has the same issuer, audience and key; it travels in logout URLs and browser history,
    // so it must not double as an API credential. Access tokens carry `scope`, id_tokens do not.
    if (typeof claims.scope !== 'string' || claims.nonce !== undefined || claims.at_hash !== undefined) {
      throw new AuthingTokenError('claims', 'this is not an access token (an id_token, or no scope claim)');
    }
    const expiresAt = Math.min(claims.exp * 1000, this.#now() + this.#options.cacheMaxAgeMs);
    // A key set that changed while we verified may have withdrawn the key: do not remember the result.
    if (generation === this.#options.jwks.generation) this.#cache.set(key, claims, expiresAt, generation);
    return claims;
  }

  /**
   * The claims of an access token this verifier has already accepted and still remembers (not
   * expired, key set unchanged), without waiting; `undefined` means "call verifyAccessToken". Lets a
   * hot path skip a promise per request.
   */
  peekAccessToken(token: string): AccessTokenClaims | undefined {
    if (typeof token !== 'string' || token.length === 0 || token.length > this.#options.maxTokenLength)
      return undefined;
    return this.#cache.get(tokenHash(token), this.#options.jwks.generation);
  }

  /**
   * Whether claims this verifier returned for an access token are still remembered (not expired,
   * key set unchanged, not forgotten), as {@link peekAccessToken} on that token would say, without
   * hashing the token again.
   */
  isRemembered(claims: AccessTokenClaims): boolean {
    return this.#cache.holds(claims, this.#options.jwks.generation);
  }

  /** Verifies an id_token (and its nonce when given) and returns its claims; throws {@link AuthingTokenError}. */
  async verifyIdToken(token: string, options: VerifyIdTokenOptions = {}): Promise<IdTokenClaims> {
    this.#checkShape(token);
    const claims = await this.#verify<IdTokenClaims>(token, this.#options.idTokenSigningAlg);
    this.#checkAuthorizedParty(claims);
    if (options.nonce !== undefined && claims.nonce !== options.nonce) {
      throw new AuthingTokenError('nonce', claims.nonce === undefined ? 'the id_token has no nonce' : 'nonce mismatch');
    }
    return claims;
  }

  /** Forgets every remembered token (e.g. after a logout-everywhere event). */
  clearCache(): void {
    this.#cache.clear();
  }

  /**
   * OpenID Connect Core 3.1.3.7: an id_token for several audiences must name us as its authorized
   * party (`azp`), and an `azp` naming another client means the token was issued to that client.
   */
  #checkAuthorizedParty(claims: IdTokenClaims): void {
    const azp = claims.azp;
    if (Array.isArray(claims.aud) && claims.aud.length > 1 && azp === undefined) {
      throw new AuthingTokenError('azp', 'the id_token names several audiences but no authorized party (azp)');
    }
    if (azp !== undefined && azp !== this.#options.audience) {
      throw new AuthingTokenError('azp', 'the id_token was issued to another party (azp)');
    }
  }

  #checkShape(token: unknown): asserts token is string {
    if (typeof token !== 'string' || token.length === 0) throw new AuthingTokenError('format', 'no token given');
    if (token.length > this.#options.maxTokenLength) {
      throw new AuthingTokenError('size', `the token is longer than ${this.#options.maxTokenLength} characters`);
    }
    if (!COMPACT_JWS.test(token)) throw new AuthingTokenError('format', 'not a compact JWS (header.payload.signature)');
  }

  async #verify<T extends TokenClaims>(token: string, alg: TokenSigningAlg): Promise<T> {
    const header = decodeHeader(token);
    if (header.alg !== alg) {
      throw new AuthingTokenError('algorithm', `expected ${alg}, the token says ${describeAlg(header.alg)}`);
    }
    const key = alg === 'HS256' ? this.#hmacKey() : await this.#options.jwks.keyFor(header.kid, alg);
    const jose = await loadJose();
    let payload: JWTPayload;
    try {
      ({ payload } = await jose.jwtVerify(token, key, {
        algorithms: [alg],
        issuer: this.#options.issuer,
        audience: this.#options.audience,
        clockTolerance: this.#options.clockTolerance,
        currentDate: new Date(this.#now()),
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      throw mapJoseError(error, jose.errors);
    }
    const nowSec = this.#now() / 1000;
    if (typeof payload.iat === 'number' && payload.iat > nowSec + this.#options.clockTolerance) {
      throw new AuthingTokenError('issued_at', 'the token was issued in the future');
    }
    return payload as T;
  }

  #hmacKey(): KeyObject {
    if (!this.#options.appSecret) {
      throw new AuthingTokenError('algorithm', 'HS256 tokens need the appSecret option');
    }
    this.#secretKey ??= createSecretKey(Buffer.from(this.#options.appSecret, 'utf8'));
    return this.#secretKey;
  }
}

function decodeHeader(token: string): { alg?: unknown; kid?: string } {
  const part = token.slice(0, token.indexOf('.'));
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new AuthingTokenError('format', 'the header is not base64url JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new AuthingTokenError('format', 'the header is not a JSON object');
  }
  const { alg, kid } = header as { alg?: unknown; kid?: unknown };
  if (kid !== undefined && typeof kid !== 'string') throw new AuthingTokenError('format', 'kid is not a string');
  return { alg, kid };
}

function describeAlg(alg: unknown): string {
  return typeof alg === 'string' ? `"${alg.slice(0, 16)}"` : 'no algorithm';
}

function mapJoseError(error: unknown, joseErrors: (typeof import('jose'))['errors']): AuthingTokenError {
  if (error instanceof AuthingTokenError) return error;
  if (error instanceof joseErrors.JWTExpired) return new AuthingTokenError('expired', 'the token has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return new AuthingTokenError('issuer', 'unexpected issuer');
      case 'aud':
        return new AuthingTokenError('audience', 'unexpected audience');
      case 'nbf':
        return new AuthingTokenError('not_yet_valid', 'the token is not valid yet');
      case 'iat':
        return new AuthingTokenError('issued_at', 'the iat claim is invalid');
      default:
        return new AuthingTokenError('claims', `the ${error.claim} claim is missing or invalid`);
    }
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new AuthingTokenError('signature', 'the signature does not verify');
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new AuthingTokenError('algorithm', 'algorithm not allowed');
  if (error instanceof joseErrors.JOSEError) return new AuthingTokenError('format', error.code);
  return new AuthingTokenError('format', 'the token could not be parsed');
}
