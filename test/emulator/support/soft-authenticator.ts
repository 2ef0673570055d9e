import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** Minimal CBOR encoder for what an authenticator emits: integers, byte/text strings, maps. */
type Cbor = number | Buffer | string | Map<Cbor, Cbor>;
function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 256) return Buffer.from([(major << 5) | 24, length]);
  const b = Buffer.alloc(3);
  b[0] = (major << 5) | 25;
  b.writeUInt16BE(length, 1);
  return b;
}
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  const parts = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();

/**
 * A software WebAuthn authenticator (ES256, `none` attestation), as a browser and a platform
 * authenticator would answer `navigator.credentials.create()` / `.get()`.
 */
export class SoftAuthenticator {
  readonly #key: KeyObject;
  readonly publicKey: KeyObject;
  readonly id: Buffer;
  counter = 0;

  constructor(
    id = 'soft-credential-1',
    readonly origin = 'http://127.0.0.1',
  ) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#key = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.id = Buffer.from(id);
  }

  get credentialId(): string {
    return this.id.toString('base64url');
  }

  #clientData(type: string, challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false }));
  }

  /** The `registrationCredential` of `verifyRegister` for these creation options. */
  create(options: { challenge: string; rp: { id: string } }): Record<string, unknown> {
    const jwk = this.publicKey.export({ format: 'jwk' });
    const cose = new Map<Cbor, Cbor>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(this.id.length);
    const authData = Buffer.concat([
      sha256(options.rp.id),
      Buffer.from([0x41]),
      Buffer.alloc(4),
      Buffer.alloc(16),
      length,
      this.id,
      cbor(cose),
    ]);
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        attestationObject: attestationObject.toString('base64url'),
        clientDataJSON: this.#clientData('webauthn.create', options.challenge).toString('base64url'),
      },
    };
  }

  /** The `authenticationCredential` of `verifyAuthentication` for these request options. */
  get(options: { challenge: string; rpId: string }, userHandle = ''): Record<string, unknown> {
    this.counter += 1;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    const authData = Buffer.concat([sha256(options.rpId), Buffer.from([0x01]), count]);
    const clientData = this.#clientData('webauthn.get', options.challenge);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.#key);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        authenticatorData: authData.toString('base64url'),
        clientDataJSON: clientData.toString('base64url'),
        signature: signature.toString('base64url'),
        userHandle,
      },
    };
  }
}
