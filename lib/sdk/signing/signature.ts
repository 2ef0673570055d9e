import { createHmac, randomBytes } from 'node:crypto';

/**
 * Authing's management API signature (HMAC-SHA1), as the official SDKs compute it.
 *
 * String to sign: the HTTP method, then every `x-authing-*` and `date` header sorted by name as
 * `name:value`, then the canonical resource, each followed by a newline except the last.
 */
export function buildStringToSign(
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  args: Readonly<Record<string, unknown>>,
): string {
  let out = `${method.toUpperCase()}\n`;
  const names = Object.keys(headers)
    .map((n) => n.toLowerCase())
    .filter((n) => n.startsWith('x-authing-') || n === 'date')
    .sort();
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  for (const name of names) {
    out += `${name}:${String(lower[name])
      .replace(/[\t\n\r\f]/g, ' ')
      .trim()}\n`;
  }
  return out + canonicalResource(path, args);
}

/**
 * The path, then `?k=v&…` over the arguments (query for GET, top-level body fields otherwise):
 * keys sorted, undefined skipped, objects as JSON, nothing URL-encoded.
 */
export function canonicalResource(path: string, args: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(args).sort();
  if (keys.length === 0) return path;
  const pairs: string[] = [];
  for (const key of keys) {
    const value = args[key];
    if (value === undefined) continue;
    pairs.push(`${key}=${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`);
  }
  return `${path}?${pairs.join('&')}`;
}

/** base64(HMAC-SHA1(secret, utf8(stringToSign))). */
export function sign(accessKeySecret: string, stringToSign: string): string {
  return createHmac('sha1', accessKeySecret).update(stringToSign, 'utf8').digest('base64');
}

/** A fresh nonce per request; the server may refuse a nonce it has already seen. */
export function makeNonce(): string {
  return randomBytes(16).toString('hex');
}

/** Value of the `authorization` header of a signed management request. */
export function authorizationHeader(accessKeyId: string, signature: string): string {
  return `authing ${accessKeyId}:${signature}`;
}
