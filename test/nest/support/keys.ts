import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { JsonWebKeySet } from '../../../lib/index.js';

export const APP_ID = 'app-under-test';
export const APP_SECRET = 'app-secret-under-test';
export const APP_HOST = 'http://127.0.0.1:9'; // never contacted: the keys are given as serverJWKS

export interface TestKeys {
  jwks: JsonWebKeySet;
  sign(
    claims: Record<string, unknown>,
    options?: { expiresIn?: number; kid?: string; foreign?: boolean },
  ): Promise<string>;
}

/** An RSA key pair; access tokens signed like Authing's (iss `<appHost>/oidc`, aud appId, scope). */
export async function createTestKeys(appHost = APP_HOST, appId = APP_ID): Promise<TestKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('RS256', { extractable: true });
  const jwk = (await exportJWK(publicKey)) as JWK & { kid: string };
  jwk.kid = 'test-key';
  jwk.alg = 'RS256';
  jwk.use = 'sig';
  return {
    jwks: { keys: [jwk as JsonWebKeySet['keys'][number]] },
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: `${appHost}/oidc`,
        aud: appId,
        iat: now,
        exp: now + (options.expiresIn ?? 3600),
        // Authing's access tokens always carry their scope (and id_tokens never do).
        scope: 'openid profile',
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'test-key' })
        .sign(options.foreign ? other.privateKey : privateKey);
    },
  };
}
