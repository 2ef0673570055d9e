import { createHash, randomBytes } from 'node:crypto';

/** A random URL-safe string with `bytes` bytes of entropy. */
export function randomToken(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

/** A PKCE pair (RFC 7636): 43-character verifier and its S256 challenge. */
export function createPkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString('base64url');
  return { codeVerifier, codeChallenge: s256(codeVerifier) };
}

/** The S256 code challenge of a verifier. */
export function s256(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier).digest('base64url');
}

/** `key=value&…` with every part percent-encoded, skipping undefined values, in insertion order. */
export function encodeQuery(params: Record<string, string | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** Form encoding for token-endpoint bodies, undefined fields dropped. */
export function encodeForm(fields: Record<string, string | undefined>): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.append(k, v);
  return form.toString();
}
