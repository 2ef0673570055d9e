import { createHash, createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { decodeCbor, type CborValue } from './cbor.js';

/** What an authenticator's data says (WebAuthn §6.1). */
export interface AuthenticatorData {
  rpIdHash: Buffer;
  userPresent: boolean;
  signCount: number;
  credentialId?: Buffer;
  publicKey?: JsonWebKey;
}

const FLAG_UP = 0x01;
const FLAG_AT = 0x40;

/** A COSE EC2 P-256 key (alg ES256, the one algorithm the emulator offers) as a JWK. */
function coseToJwk(key: CborValue): JsonWebKey {
  if (!(key instanceof Map)) throw new Error('credential public key is not a COSE map');
  const x = key.get(-2);
  const y = key.get(-3);
  if (key.get(1) !== 2 || key.get(3) !== -7 || key.get(-1) !== 1 || !Buffer.isBuffer(x) || !Buffer.isBuffer(y)) {
    throw new Error('credential public key must be an ES256 (P-256) COSE key');
  }
  return { kty: 'EC', crv: 'P-256', x: x.toString('base64url'), y: y.toString('base64url') };
}

export function parseAuthenticatorData(data: Buffer): AuthenticatorData {
  if (data.length < 37) throw new Error('authenticator data is too short');
  const flags = data[32]!;
  const parsed: AuthenticatorData = {
    rpIdHash: data.subarray(0, 32),
    userPresent: (flags & FLAG_UP) !== 0,
    signCount: data.readUInt32BE(33),
  };
  if (flags & FLAG_AT) {
    const idLength = data.readUInt16BE(53);
    parsed.credentialId = data.subarray(55, 55 + idLength);
    parsed.publicKey = coseToJwk(decodeCbor(data, 55 + idLength)[0]);
  }
  return parsed;
}

/** The `authData` of a `none` attestation object (the emulator trusts no attestation roots). */
export function attestedData(attestationObject: Buffer): AuthenticatorData {
  const [object] = decodeCbor(attestationObject);
  if (!(object instanceof Map)) throw new Error('attestation object is not a CBOR map');
  const fmt = object.get('fmt');
  if (fmt !== 'none') throw new Error(`attestation format ${String(fmt)} is not supported (only none)`);
  const authData = object.get('authData');
  if (!Buffer.isBuffer(authData)) throw new Error('attestation object has no authData');
  const parsed = parseAuthenticatorData(authData);
  if (!parsed.credentialId || !parsed.publicKey) throw new Error('authenticator data has no attested credential');
  return parsed;
}

/** Client data of a ceremony, checked for its type, challenge and an origin on the relying party's host. */
export function checkClientData(raw: Buffer, type: string, challenge: string, rpId: string): void {
  const data = JSON.parse(raw.toString('utf8')) as { type?: string; challenge?: string; origin?: string };
  if (data.type !== type) throw new Error(`client data type must be ${type}`);
  if (data.challenge !== challenge) throw new Error('client data challenge does not match');
  let host = '';
  try {
    host = new URL(String(data.origin)).hostname;
  } catch {
    throw new Error('client data origin is not a URL');
  }
  if (host !== rpId) throw new Error('client data origin is not on the relying party');
}

export const rpIdHash = (rpId: string): Buffer => createHash('sha256').update(rpId).digest();

/** ES256 assertion signature over authenticatorData ‖ SHA-256(clientDataJSON). */
export function verifyAssertion(key: JsonWebKey, authData: Buffer, clientDataJSON: Buffer, signature: Buffer): boolean {
  const signed = Buffer.concat([authData, createHash('sha256').update(clientDataJSON).digest()]);
  return verify('sha256', signed, createPublicKey({ key, format: 'jwk' }), signature);
}
