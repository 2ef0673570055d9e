import type { AuthingTenancyOptions } from 'nestjs-authing';

// By host name (each tenant lists its `hosts`; the port is ignored).
export const byHost: AuthingTenancyOptions['resolve'] = { by: 'host' };

// By path prefix: /orgs/<tenant>/...
export const byPath: AuthingTenancyOptions['resolve'] = { by: 'path', prefix: '/orgs' };

// By a header an API gateway sets (a header alone never lets a token of another tenant in).
export const byHeader: AuthingTenancyOptions['resolve'] = { by: 'header', name: 'x-tenant' };

// Anything else: a function of the request returning the tenant's name (or undefined).
export const bySubdomain: AuthingTenancyOptions['resolve'] = (request) => {
  const host = request.headers.host ?? '';
  return host.endsWith('.example.com') ? host.split('.')[0] : undefined;
};
