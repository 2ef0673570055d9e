import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose';

/** A private RSA signing key as a JWK, with `kid`, `alg` and `use` set. */
export type PrivateSigningJwk = JWK & { kid: string; alg: 'RS256'; use: 'sig' };

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Creates a fresh RS256 key; its `kid` is the JWK thumbprint. */
export async function generateSigningKey(): Promise<PrivateSigningJwk> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

export function toPublicJwk(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete copy[member];
  return copy as JWK;
}

/**
 * The signing keys shared by the OIDC provider and the v3 sign-in API: the first key is current
 * (signs), the others stay published in the JWKS so tokens they signed still verify.
 */
export class KeyRing {
  #keys: PrivateSigningJwk[];
  #verifySet: ReturnType<typeof createLocalJWKSet>;
  #signingKey: Promise<CryptoKey | Uint8Array> | undefined;

  constructor(keys: PrivateSigningJwk[]) {
    if (keys.length === 0) throw new Error('KeyRing needs at least one key');
    this.#keys = [...keys];
    this.#verifySet = createLocalJWKSet(this.publicJwks());
  }

  /** Private keys, current first (for the provider's `jwks` option and for persistence). */
  get privateJwks(): PrivateSigningJwk[] {
    return this.#keys.map((k) => ({ ...k }));
  }

  get currentKid(): string {
    return this.#keys[0]!.kid;
  }

  publicJwks(): { keys: JWK[] } {
    return { keys: this.#keys.map(toPublicJwk) };
  }

  /** Adds a new current key; the previous ones stay published. Returns the new `kid`. */
  async rotate(): Promise<string> {
    const key = await generateSigningKey();
    this.#keys = [key, ...this.#keys];
    this.#verifySet = createLocalJWKSet(this.publicJwks());
    this.#signingKey = undefined;
    return key.kid;
  }

  /** Signs a JWT with the current key (RS256, `typ: JWT`, `kid`). */
  async sign(payload: JWTPayload): Promise<string> {
    this.#signingKey ??= importJWK(this.#keys[0]!, 'RS256');
    const key = await this.#signingKey;
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.currentKid }).sign(key);
  }

  /** Verifies signature, `iss` and `exp` (no clock tolerance beyond 5 s); throws when invalid. */
  async verify(token: string, issuer: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.#verifySet, { issuer, algorithms: ['RS256'], clockTolerance: 5 });
    return payload;
  }
}

export function newJti(): string {
  return randomUUID().replace(/-/g, '');
}
