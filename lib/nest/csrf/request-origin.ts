import type { AuthingRequest } from '../request/request-context.js';

/** Methods a browser may send cross-site with cookies (form posts, fetch without preflight). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Where a request may come from besides the application's own host. */
export interface OriginPolicy {
  /** Exact origins also trusted (the `csrf.allowedOrigins` option). */
  allowedOrigins: readonly string[];
  /** The application's public origin when known (the redirect URI's), for hosts rewritten by a proxy. */
  ownOrigin?: string;
}

/**
 * `lenient` (unsafe methods): a request without any of the headers is let through, since every
 * browser of this decade sends `Origin` on a POST, and a client that sends none is not a browser
 * an attacker can drive. `strict` (a state-changing GET, i.e. logout): only positive proof of the
 * same origin passes.
 */
export type OriginCheckMode = 'lenient' | 'strict';

/** True for POST, PUT, PATCH, DELETE and any other method that is not safe. */
export function isUnsafeMethod(request: AuthingRequest): boolean {
  const method = (request as { method?: unknown }).method;
  return typeof method === 'string' && !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Why the request does not come from this application's own origin (or an allowed one), or
 * undefined when it does. Reads `Sec-Fetch-Site` first (set by the browser, no page can forge it),
 * then `Origin`, then `Referer`. The own origin is the `Host` the request was sent to (any scheme),
 * the policy's `ownOrigin`, and the allow-list.
 */
export function crossOriginReason(
  request: AuthingRequest,
  policy: OriginPolicy,
  mode: OriginCheckMode,
): string | undefined {
  const site = header(request, 'sec-fetch-site');
  // `none`: the user typed the address or used a bookmark; no other site was involved.
  if (site === 'same-origin' || site === 'none') return undefined;
  const origin = header(request, 'origin');
  if (origin !== undefined) {
    if (isTrusted(origin, request, policy)) return undefined;
    return `the request comes from ${describeOrigin(origin)}, not from this application's origin`;
  }
  if (site !== undefined) return `the browser reports a ${site.slice(0, 20)} request (Sec-Fetch-Site)`;
  const referer = header(request, 'referer');
  if (referer !== undefined) {
    const from = originOf(referer);
    if (from !== undefined && isTrusted(from, request, policy)) return undefined;
    return `the request comes from ${describeOrigin(from ?? 'an unreadable Referer')}, not from this application's origin`;
  }
  return mode === 'strict'
    ? 'the request carries no proof of coming from this application (Sec-Fetch-Site, Origin or Referer)'
    : undefined;
}

function isTrusted(origin: string, request: AuthingRequest, policy: OriginPolicy): boolean {
  if (origin === 'null') return false;
  if (policy.allowedOrigins.includes(origin) || origin === policy.ownOrigin) return true;
  const host = header(request, 'host');
  if (host === undefined) return false;
  try {
    // The host (and port) the browser sent the request to; the scheme is not compared, since behind a
    // TLS-terminating proxy the application cannot tell it reliably.
    return new URL(origin).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

function header(request: AuthingRequest, name: string): string | undefined {
  const value = request.headers?.[name];
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' && text !== '' ? text.trim().toLowerCase() : undefined;
}

/** The origin as printable text, bounded: it is the caller's input and goes into a JSON answer. */
function describeOrigin(origin: string): string {
  return origin.replace(/[^\x21-\x7e]/g, '').slice(0, 100) || 'an empty origin';
}
