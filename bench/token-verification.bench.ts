import { createPublicKey, createVerify, createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { AuthenticationClient } from '../lib/sdk/index.js';
import { fmt, opsPerSecond, type BenchSection } from './util.js';

/**
 * Verifications per second for RS256 and HS256: our verifier cold (every token new to it) and warm
 * (the same token again, served from the verified-token cache), against jose.jwtVerify and a bare
 * crypto.verify measured in the same run.
 */
export async function tokenVerificationBench(): Promise<BenchSection> {
  const appHost = 'https://bench.authing.invalid';
  const appId = 'bench-app';
  const appSecret = 'bench-secret-0123456789abcdef0123456789';
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  const sign = (alg: 'RS256' | 'HS256', jti: string) =>
    new SignJWT({ scope: 'openid' })
      .setProtectedHeader({ alg, kid: alg === 'RS256' ? 'k1' : undefined } as { alg: string })
      .setIssuer(`${appHost}/oidc`)
      .setAudience(appId)
      .setSubject('u1')
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(alg === 'RS256' ? privateKey : new TextEncoder().encode(appSecret));

  const common = { appId, appSecret, appHost, serverJWKS: { keys: [jwk as never] } };
  const warm = new AuthenticationClient(common);
  const cold = new AuthenticationClient({ ...common, verifiedTokenCacheSize: 0 });
  const hsCold = new AuthenticationClient({
    ...common,
    accessTokenSigningAlg: 'HS256',
    verifiedTokenCacheSize: 0,
  });
  const hsWarm = new AuthenticationClient({ ...common, accessTokenSigningAlg: 'HS256' });
  const rs = await sign('RS256', 'a');
  const hs = await sign('HS256', 'b');

  const nodeKey = createPublicKey({ key: jwk as never, format: 'jwk' });
  const [h, p, s] = rs.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const bareRs = await opsPerSecond(() => createVerify('RSA-SHA256').update(`${h}.${p}`).verify(nodeKey, sig));
  const [hh, hp] = hs.split('.') as [string, string, string];
  const bareHs = await opsPerSecond(() => createHmac('sha256', appSecret).update(`${hh}.${hp}`).digest());
  const joseRs = await opsPerSecond(() => jwtVerify(rs, nodeKey, { issuer: `${appHost}/oidc`, audience: appId }));
  const joseHs = await opsPerSecond(() =>
    jwtVerify(hs, new TextEncoder().encode(appSecret), { issuer: `${appHost}/oidc`, audience: appId }),
  );
  const oursRsCold = await opsPerSecond(() => cold.verifyAccessToken(rs));
  const oursRsWarm = await opsPerSecond(() => warm.verifyAccessToken(rs));
  const oursHsCold = await opsPerSecond(() => hsCold.verifyAccessToken(hs));
  const oursHsWarm = await opsPerSecond(() => hsWarm.verifyAccessToken(hs));
  await Promise.all([warm, cold, hsCold, hsWarm].map((c) => c.close()));

  return {
    title: 'Token verification (verifications per second, one core, warm JWKS)',
    rows: [
      [
        'alg',
        'bare crypto (signature only)',
        'jose.jwtVerify (baseline)',
        'ours, first sight',
        'ours, cached',
        'cached / baseline',
      ],
      ['RS256', fmt(bareRs), fmt(joseRs), fmt(oursRsCold), fmt(oursRsWarm), `${fmt(oursRsWarm / joseRs, 1)}×`],
      ['HS256', fmt(bareHs), fmt(joseHs), fmt(oursHsCold), fmt(oursHsWarm), `${fmt(oursHsWarm / joseHs, 1)}×`],
    ],
    notes: [
      '"first sight" is a token the verifier has not seen (a full jose verification plus our header and claim checks); "cached" is the same token again, answered from the bounded cache of verified tokens keyed by SHA-256.',
      `First-sight cost relative to jose: RS256 ${fmt(oursRsCold / joseRs, 2)}, HS256 ${fmt(oursHsCold / joseHs, 2)}.`,
    ],
    targets: [],
  };
}
