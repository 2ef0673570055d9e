import type { AuthingRequest } from '../request/request-context.js';
import type { AuthingTenantResolver } from './tenancy-options.js';

/** Turns a request into the name of its tenant (or undefined); `hostsOf` answers the `host` resolver. */
export type TenantNameOf = (request: AuthingRequest) => string | undefined;

/** The resolver as one function. `tenantOfHost` maps a lower-case host name (no port) to a tenant name. */
export function compileResolver(
  resolver: AuthingTenantResolver,
  tenantOfHost: (host: string) => string | undefined,
): TenantNameOf {
  if (typeof resolver === 'function') {
    return (request) => {
      const name = resolver(request);
      return typeof name === 'string' && name !== '' ? name : undefined;
    };
  }
  switch (resolver.by) {
    case 'host':
      return (request) => {
        const host = request.headers.host;
        if (typeof host !== 'string' || host === '') return undefined;
        return tenantOfHost(stripPort(host.toLowerCase()));
      };
    case 'header': {
      const header = (resolver.name ?? 'x-authing-tenant').toLowerCase();
      return (request) => {
        const value = request.headers[header];
        return typeof value === 'string' && value !== '' ? value : undefined;
      };
    }
    case 'path': {
      const prefix = `${(resolver.prefix ?? '/t').replace(/\/+$/, '')}/`;
      return (request) => segmentAfter(pathOf(request), prefix);
    }
  }
}

/** The path the client asked for (Express's `originalUrl` survives routers that rewrite `url`). */
function pathOf(request: AuthingRequest): string | undefined {
  const r = request as { originalUrl?: unknown; url?: unknown };
  const url = typeof r.originalUrl === 'string' ? r.originalUrl : r.url;
  return typeof url === 'string' ? url : undefined;
}

/** `/t/acme/api/me` with prefix `/t/` gives `acme`; the segment must end at `/`, `?` or the end. */
function segmentAfter(path: string | undefined, prefix: string): string | undefined {
  if (path === undefined || !path.startsWith(prefix)) return undefined;
  let end = prefix.length;
  while (end < path.length) {
    const c = path.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23) break; // / ? #
    end++;
  }
  return end > prefix.length ? path.slice(prefix.length, end) : undefined;
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
