import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { buildStringToSign, sign } from '../sdk/signing/signature.js';
import { ApiError, API_CODES } from './http.js';

const AUTHORIZATION = /^authing\s+([^:\s]+):(\S+)$/i;

function refuse(message: string): ApiError {
  return new ApiError(401, API_CODES.NO_PERMISSION, message);
}

/**
 * Verifies management requests the way Authing does: rebuild the string to sign from the received
 * `x-authing-*` and `date` headers, the path and the arguments (query for GET, top-level JSON body
 * fields otherwise), HMAC-SHA1 it with the access key's secret and compare. Also refuses a `date`
 * too far from the server clock and a nonce seen before within that window (replay).
 */
export class SignatureVerifier {
  readonly #nonces = new Map<string, number>();
  #lastSweep = 0;

  constructor(
    private readonly secretOf: (accessKeyId: string) => string | undefined,
    private readonly windowMs: number,
  ) {}

  /** Throws an ApiError (statusCode 401, apiCode 1001) when the request is not properly signed. */
  verify(method: string, path: string, headers: IncomingHttpHeaders, args: readonly Record<string, unknown>[]): void {
    const authorization = headers.authorization;
    if (!authorization)
      throw refuse('Missing authorization header: management requests must be signed with an access key');
    const match = AUTHORIZATION.exec(authorization.trim());
    if (!match) throw refuse('Malformed authorization header: expected "authing <accessKeyId>:<signature>"');
    const [, accessKeyId, signature] = match as unknown as [string, string, string];
    const secret = this.secretOf(accessKeyId);
    if (secret === undefined) throw refuse('Unknown access key');

    const dateHeader = headers.date;
    if (!dateHeader) throw refuse('Missing date header');
    const date = Date.parse(dateHeader);
    if (Number.isNaN(date)) throw refuse('Invalid date header');
    const now = Date.now();
    if (Math.abs(now - date) > this.windowMs) {
      throw refuse(`Request date is more than ${Math.round(this.windowMs / 1000)} s away from the server clock`);
    }
    const nonce = headers['x-authing-signature-nonce'];
    if (typeof nonce !== 'string' || nonce === '') throw refuse('Missing x-authing-signature-nonce header');

    const signed: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      if (name === 'date' || name.startsWith('x-authing-'))
        signed[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const given = Buffer.from(signature);
    const matches = args.some((candidate) => {
      const expected = Buffer.from(sign(secret, buildStringToSign(method, path, signed, candidate)));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!matches) throw refuse('Signature mismatch: the request was not signed with this access key, or was altered');

    this.#sweep(now);
    const key = `${accessKeyId}:${nonce}`;
    if (this.#nonces.has(key)) throw refuse('Replayed request: this signature nonce was already used');
    this.#nonces.set(key, now + 2 * this.windowMs);
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < 10_000) return;
    this.#lastSweep = now;
    for (const [key, expires] of this.#nonces) if (expires < now) this.#nonces.delete(key);
  }
}

/**
 * The argument objects a GET query may have been signed from. The client signed its parameter
 * object (numbers, booleans, arrays as JSON) and sent it as strings, arrays as repeated `key[]`; the
 * canonical form writes scalars with `String()`, so strings match numbers and booleans, but an array
 * of numbers was signed as `[1,2]`: a second candidate re-reads array items as JSON.
 */
export function queryArgCandidates(params: URLSearchParams): Record<string, unknown>[] {
  const plain: Record<string, unknown> = {};
  let hasArray = false;
  for (const [rawKey, value] of params) {
    const isArray = rawKey.endsWith('[]');
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    if (isArray) {
      hasArray = true;
      const list = Array.isArray(plain[key]) ? (plain[key] as string[]) : [];
      list.push(value);
      plain[key] = list;
    } else {
      plain[key] = value;
    }
  }
  if (!hasArray) return [plain];
  const typed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plain)) {
    typed[key] = Array.isArray(value) ? value.map(parseLoose) : value;
  }
  return [plain, typed];
}

function parseLoose(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The query as the handlers read it: `key[]` arrays become `key`. */
export function queryArgs(params: URLSearchParams): Record<string, unknown> {
  return queryArgCandidates(params)[0]!;
}
