import { ApiError, API_CODES } from '../http.js';

import { publicApp } from '../store.js';
import { paginate, pagination, requireString } from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

/** Registers the application routes. */
export function registerApplications(ctx: FamilyContext): void {
  const { store, route } = ctx;

  route('GET', 'get-application', (args) => {
    const appId = requireString(args, 'appId');
    const app = store.apps.get(appId);
    if (!app) throw new ApiError(404, API_CODES.APP_NOT_FOUND, 'Application does not exist');
    return appDto(publicApp(app));
  });

  route('GET', 'list-applications', (args) => {
    const { page, limit } = pagination(args);
    return paginate(
      [...store.apps.values()].map((a) => appDto(publicApp(a))),
      page,
      limit,
    );
  });
}

function appDto(app: ReturnType<typeof publicApp>): Record<string, unknown> {
  return {
    appId: app.appId,
    appName: app.appName,
    appSecret: app.appSecret,
    appType: 'web',
    defaultProtocol: 'oidc',
    redirectUris: app.redirectUris,
    logoutRedirectUris: app.logoutRedirectUris,
    oidcConfig: { token_endpoint_auth_method: app.tokenEndpointAuthMethod },
  };
}
