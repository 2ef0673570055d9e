/**
 * Checks a `returnTo` against the allow-list, so the login cannot be used as an open redirect.
 * Allowed: a path of this site (`/profile?tab=1`; not `//host`, not `/\host`, no control characters),
 * or an absolute http(s) URL whose origin is listed in `allowedOrigins`. Returns the value unchanged
 * when allowed, otherwise undefined.
 */
export function checkReturnTo(value: unknown, allowedOrigins: readonly string[]): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > 2048) return undefined;
  if (isLocalPath(value)) return value;

  if (allowedOrigins.length === 0 || /[\u0000-\u001f\u007f\s\\]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  // Compare what a browser would navigate to: the parsed origin, and the value must spell it out.
  if (!allowedOrigins.includes(url.origin)) return undefined;
  if (!value.toLowerCase().startsWith(url.origin.toLowerCase())) return undefined;
  return value;
}

/** A path of this site: starts with one `/`, not `//` or `/\`, no control characters or backslashes. */
export function isLocalPath(value: string): boolean {
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return false;

  if (/[\u0000-\u001f\u007f\s]/.test(value)) return false;
  try {
    const base = 'http://return-to.invalid';
    const url = new URL(value, base);
    // A path whose dot segments collapse into `//host` would become protocol-relative once normalised.
    return url.origin === base && !url.pathname.startsWith('//');
  } catch {
    return false;
  }
}
