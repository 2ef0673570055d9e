import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsHeaders, sendHtml, sendJson, type OriginPolicy } from './http.js';
import { errorPage } from './views.js';

/**
 * Checks of what reaches the emulator from outside (Host headers, body sizes) and of the options
 * that name its origin and token lifetimes: bad input gets a 4xx or a TypeError, never a 500.
 */

/** A Host header oidc-provider can build URLs from: `name[:port]` or `[v6][:port]`, nothing else. */
export function validHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  if (!/^(?:[A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)) return false;
  return URL.canParse(`http://${host}/`);
}

/** 413 for a body past the limit: an expected refusal, not logged as a failure. */
export function tooLarge(req: IncomingMessage, res: ServerResponse, path: string, allowed: OriginPolicy): void {
  if (res.headersSent) return void res.destroy();
  // The rest of the body is not read: close the connection after answering.
  res.setHeader('connection', 'close');
  if (path.startsWith('/interaction/')) {
    return sendHtml(res, 413, errorPage('Request too large', { error: 'invalid_request' }));
  }
  sendJson(
    res,
    413,
    { error: 'invalid_request', error_description: 'Request body too large' },
    corsHeaders(req, allowed),
  );
}

/** `https://example.com:443/base/` → `https://example.com/base`; refuses what is not an http(s) URL. */
export function normalizeOrigin(value: string): string {
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new TypeError(`publicOrigin: "${value}" is not an http(s) origin`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function positiveSeconds(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${name}: expected a whole number of seconds > 0`);
  return value;
}

export function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
