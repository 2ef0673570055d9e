/**
 * Forged and tampered tokens, for the attacks an OpenID relying party must refuse. Tokens "signed by
 * the provider" use the emulator's real signing key, read from its data file (the file holds the
 * private keys, as docs/emulator.md warns), so that only the claim under test is wrong.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { TokenCheck } from '../../../lib/sdk/index.js';
import { AuthingEmulator, type AuthingEmulatorOptions } from '../../../lib/testing/index.js';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Decodes a JWT's payload without verifying it. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** An emulator whose signing keys the test can read (through its data file in a temporary directory). */
export class ForgingEmulator {
  private constructor(
    readonly emulator: AuthingEmulator,
    private readonly dir: string,
    private readonly file: string,
  ) {}

  static async start(options: AuthingEmulatorOptions = {}): Promise<ForgingEmulator> {
    const dir = await mkdtemp(join(tmpdir(), 'authing-security-'));
    const file = join(dir, 'state.json');
    const emulator = await AuthingEmulator.start({ port: 0, ...options, dataFile: file });
    return new ForgingEmulator(emulator, dir, file);
  }

  /** The emulator's current private signing key and its kid. */
  async signingKey(): Promise<{ kid: string; key: PrivateKey }> {
    await this.emulator.flush();
    const state = JSON.parse(await readFile(this.file, 'utf8')) as { signingKeys: (JWK & { kid: string })[] };
    const jwk = state.signingKeys.find((k) => k.kid === this.emulator.currentKid)!;
    return { kid: jwk.kid, key: (await importJWK(jwk, 'RS256')) as PrivateKey };
  }

  async stop(): Promise<void> {
    await this.emulator.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Makes tokens for one application of an emulator: genuine, tampered and forged. */
export class TokenForge {
  #outsider: Awaited<ReturnType<typeof generateKeyPair>> | undefined;

  constructor(
    private readonly source: ForgingEmulator,
    readonly appId: string,
  ) {}

  get issuer(): string {
    return this.source.emulator.issuer;
  }

  /** Access-token claims as the emulator issues them, for `sub`, valid for ten minutes. */
  claims(sub: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return {
      jti: randomUUID(),
      sub,
      iat: now,
      exp: now + 600,
      scope: 'openid profile',
      client_id: this.appId,
      iss: this.issuer,
      aud: this.appId,
      ...extra,
    };
  }

  /** Signed by the provider's current key: everything genuine except what `claims` says. */
  async signed(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const { kid, key } = await this.source.signingKey();
    // Extensions named in `crit` are declared understood to the signer (never to the verifier).
    const crit = Array.isArray(header.crit) ? Object.fromEntries(header.crit.map((name) => [name, true])) : undefined;
    return new SignJWT(withoutUndefined(claims))
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, ...header } as { alg: string })
      .sign(key, crit ? { crit } : undefined);
  }

  /** Signed by a key the provider never published, with the provider's current kid in the header. */
  async byAnotherKey(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const outsider = await this.outsider();
    return new SignJWT(withoutUndefined(claims))
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.source.emulator.currentKid, ...header } as {
        alg: string;
      })
      .sign(outsider.privateKey);
  }

  /** The outsider's public key as a JWK (for `jwk` / `jku` header attacks). */
  async outsiderJwk(): Promise<JWK> {
    return { ...(await exportJWK((await this.outsider()).publicKey)), alg: 'RS256', use: 'sig' };
  }

  /** `alg: none` (or a variant spelling) with an empty or kept signature. */
  unsigned(claims: Record<string, unknown>, alg = 'none', signature = ''): string {
    return `${b64({ alg, typ: 'JWT', kid: this.source.emulator.currentKid })}.${b64(claims)}.${signature}`;
  }

  /** HS256 whose HMAC secret is the provider's public key: as PEM, or as the JWK's JSON text. */
  async hmacWithPublicKey(claims: Record<string, unknown>, form: 'pem' | 'jwk'): Promise<string> {
    const jwk = this.source.emulator.jwks.keys.find((k) => k.kid === this.source.emulator.currentKid)!;
    const secret =
      form === 'pem'
        ? Buffer.from(await exportSPKI((await importJWK(jwk, 'RS256')) as PrivateKey))
        : Buffer.from(JSON.stringify(jwk));
    return new SignJWT(withoutUndefined(claims))
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: jwk.kid })
      .sign(new Uint8Array(secret));
  }

  private async outsider() {
    this.#outsider ??= await generateKeyPair('RS256', { extractable: true });
    return this.#outsider;
  }
}

function withoutUndefined(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
}

/** One attack on token verification and the check it must fail. */
export interface TokenAttack {
  name: string;
  check: TokenCheck;
  token: () => Promise<string>;
}

/** What the attacks need; filled in once the emulator runs (the list itself is built at load time). */
export interface AttackContext {
  forge: TokenForge;
  source: ForgingEmulator;
  /** A user of the emulator. */
  user: { id: string; email: string };
  /** Another application of the same emulator (a genuine token for the wrong audience). */
  otherAppId: string;
}

/**
 * The token attacks of the OpenID Foundation's relying-party tests (and classic JWT ones), each with
 * the check it must fail. `context()` is read when a token is made, not when the list is built.
 */
export function tokenAttacks(context: () => AttackContext): TokenAttack[] {
  const now = () => Math.floor(Date.now() / 1000);
  const forge = () => context().forge;
  const claims = (extra: Record<string, unknown> = {}) => forge().claims(context().user.id, extra);
  const genuine = async () =>
    (await context().source.emulator.issueTokens({ user: context().user.email })).access_token;
  const currentKid = () => context().source.emulator.currentKid;
  return [
    { name: 'unsigned (alg: none)', check: 'algorithm', token: async () => forge().unsigned(claims()) },
    {
      name: 'alg "None" with the genuine signature kept',
      check: 'algorithm',
      token: async () => {
        const [, payload, signature] = (await genuine()).split('.');
        return `${b64({ alg: 'None', kid: currentKid() })}.${payload}.${signature}`;
      },
    },
    {
      name: 'signed by another key carrying the current kid',
      check: 'signature',
      token: () => forge().byAnotherKey(claims()),
    },
    {
      name: 'HS256 signed with the public key as PEM (algorithm confusion)',
      check: 'algorithm',
      token: () => forge().hmacWithPublicKey(claims(), 'pem'),
    },
    {
      name: 'HS256 signed with the public JWK as the secret',
      check: 'algorithm',
      token: () => forge().hmacWithPublicKey(claims(), 'jwk'),
    },
    {
      name: "the attacker's key embedded in the header (jwk) and signed by it",
      check: 'signature',
      token: async () => forge().byAnotherKey(claims(), { jwk: await forge().outsiderJwk() }),
    },
    {
      name: "a jku header pointing at the attacker's key set",
      check: 'signature',
      token: () => forge().byAnotherKey(claims(), { jku: 'http://127.0.0.1:9/jwks.json' }),
    },
    {
      name: 'payload altered after signing (sub swapped)',
      check: 'signature',
      token: async () => {
        const [header, payload, signature] = (await genuine()).split('.');
        const original = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
        return `${header}.${b64({ ...original, sub: 'someone-else' })}.${signature}`;
      },
    },
    {
      name: 'wrong iss',
      check: 'issuer',
      token: () => forge().signed(claims({ iss: 'https://evil.example/oidc' })),
    },
    {
      name: 'wrong aud (a genuine token of another application)',
      check: 'audience',
      token: async () =>
        (await context().source.emulator.issueTokens({ user: context().user.email, appId: context().otherAppId }))
          .access_token,
    },
    {
      name: 'expired beyond the clock tolerance',
      check: 'expired',
      token: async () =>
        (await context().source.emulator.issueTokens({ user: context().user.email, expiresIn: -120 })).access_token,
    },
    {
      name: 'nbf in the future beyond the clock tolerance',
      check: 'not_yet_valid',
      token: () => forge().signed(claims({ nbf: now() + 600 })),
    },
    {
      name: 'iat in the future beyond the clock tolerance',
      check: 'issued_at',
      token: () => forge().signed(claims({ iat: now() + 600 })),
    },
    { name: 'no sub', check: 'claims', token: () => forge().signed(claims({ sub: undefined })) },
    {
      name: 'no exp (a token that never expires)',
      check: 'claims',
      token: () => forge().signed(claims({ exp: undefined })),
    },
    {
      name: 'unknown kid',
      check: 'key',
      token: () => forge().byAnotherKey(claims(), { kid: `unknown-${randomUUID()}` }),
    },
    {
      name: 'a critical header extension it does not understand',
      check: 'format',
      token: () => forge().signed(claims(), { crit: ['x-must-understand'], 'x-must-understand': true }),
    },
    { name: 'truncated signature', check: 'signature', token: async () => (await genuine()).slice(0, -12) },
    {
      name: 'truncated to two segments',
      check: 'format',
      token: async () => (await genuine()).split('.').slice(0, 2).join('.'),
    },
    { name: 'garbage', check: 'format', token: async () => 'not-a-jwt-at-all' },
    { name: 'a header that is not JSON', check: 'format', token: async () => 'bm90IGpzb24.e30.c2lnbmF0dXJl' },
    {
      name: 'huge (64 KiB)',
      check: 'size',
      token: async () => `${b64({ alg: 'RS256' })}.${'A'.repeat(64 * 1024)}.sig`,
    },
  ];
}
