import { IncomingMessage } from 'node:http';

/**
 * Where Authing's OIDC differs from oidc-provider's for its browser SDK (`@authing/web`): refresh
 * tokens for `offline_access` without `prompt=consent`, and its refresh request shape.
 */

/**
 * oidc-provider drops `offline_access` from an authorization request without `prompt=consent` (as
 * OpenID Connect Core 11 suggests); Authing keeps it and issues a refresh token, and its browser SDK
 * never sends `prompt=consent`. The request is marked with this parameter instead, which the
 * provider keeps through the interaction; the code it yields is then issued a refresh token.
 */
export const OFFLINE_PARAM = 'x_authing_offline_access';

export function markOfflineAccess(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  params.delete(OFFLINE_PARAM);
  const scopes = (params.get('scope') ?? '').split(' ');
  const prompts = (params.get('prompt') ?? '').split(' ');
  if (scopes.includes('offline_access') && !prompts.includes('consent')) params.set(OFFLINE_PARAM, '1');
  return `${url.slice(0, q)}?${params.toString()}`;
}

/** A copy of a request whose body was already read, with `body` to be read again. */
export function replayRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  copy.headers = { ...req.headers, 'content-length': String(body.length) };
  delete copy.headers['transfer-encoding'];
  copy.push(body);
  copy.push(null);
  // Marks the message fully received: destroying an incomplete one would close the socket.
  copy.complete = true;
  return copy;
}
