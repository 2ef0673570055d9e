import { ApiError, API_CODES, invalidArgument } from '../http.js';
import type { publicApp } from '../store.js';
import { newSecret, type AppRecord } from '../store.js';
import type { Row } from '../store/collections.js';
import * as validation from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

const AUTH_METHODS = ['client_secret_post', 'client_secret_basic', 'none'] as const;
/** Fields of Authing's ApplicationDto the emulator keeps as given (it serves OIDC only). */
const EXTRA_FIELDS = [
  'appIdentifier',
  'appLogo',
  'appDescription',
  'appType',
  'initLoginUri',
  'ssoEnabled',
  'template',
  'loginConfig',
  'registerConfig',
  'brandingConfig',
];

/**
 * Applications: created, updated and deleted through the API they are OIDC clients of the hosted
 * login at once; secrets can be read and rotated; access rules limit who may use them.
 */
export function registerApplications(ctx: FamilyContext): void {
  const { store, route } = ctx;
  const extras = store.collections.of('applicationExtras');
  const access = store.collections.of('applicationAccess');

  const requireApp = (args: validation.Args): AppRecord => {
    const appId = validation.requireString(args, 'appId');
    const app = store.apps.get(appId);
    if (!app) throw new ApiError(404, API_CODES.APP_NOT_FOUND, 'Application does not exist');
    return app;
  };
  const dto = (app: AppRecord): Row => appDto(app, extras.get(app.appId) ?? {});
  const simple = (app: AppRecord): Row => {
    const extra = extras.get(app.appId) ?? {};
    return {
      appId: app.appId,
      appName: app.appName,
      appLogo: extra.appLogo ?? '',
      appType: extra.appType ?? 'web',
      appIdentifier: extra.appIdentifier ?? app.appId,
      appDescription: extra.appDescription ?? '',
      isIntegrateApp: false,
      isSelfBuiltApp: true,
      ssoEnabled: extra.ssoEnabled ?? false,
    };
  };
  const listed = (args: validation.Args): AppRecord[] => {
    const needle = validation.optionalString(args, 'keywords')?.toLowerCase();
    return [...store.apps.values()].filter(
      (a) => !needle || a.appName.toLowerCase().includes(needle) || a.appId.includes(needle),
    );
  };
  const extraOf = (args: validation.Args): Row =>
    Object.fromEntries(EXTRA_FIELDS.filter((f) => args[f] !== undefined).map((f) => [f, args[f]]));
  const urisOf = (args: validation.Args, field: string): string[] | undefined => {
    if (args[field] === undefined) return undefined;
    return validation.requireArray(args, field).map((u, i) => {
      if (typeof u !== 'string' || !URL.canParse(u)) throw invalidArgument(`Field ${field}[${i}] must be a URL`);
      return u;
    });
  };
  const authMethodOf = (args: validation.Args): AppRecord['tokenEndpointAuthMethod'] | undefined => {
    const oidc = validation.optionalObject(args, 'oidcConfig');
    const method = oidc?.token_endpoint_auth_method;
    if (method === undefined) return undefined;
    if (!AUTH_METHODS.includes(method as never))
      throw invalidArgument(`Field oidcConfig.token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
    return method as AppRecord['tokenEndpointAuthMethod'];
  };

  route('GET', 'get-application', (args) => dto(requireApp(args)));
  route('GET', 'list-applications', (args) => {
    const { page, limit } = validation.pagination(args);
    return validation.paginate(listed(args).map(dto), page, limit);
  });
  route('GET', 'get-application-simple-info', (args) => simple(requireApp(args)));
  route('GET', 'list-application-simple-info', (args) => {
    const { page, limit } = validation.pagination(args);
    return validation.paginate(listed(args).map(simple), page, limit);
  });
  route('GET', 'list-tenant-applications', (args) => {
    const { page, limit } = validation.pagination(args);
    return validation.paginate(listed(args).map(simple), page, limit);
  });

  route('POST', 'create-application', (args) => {
    const app = store.addApp({
      appName: validation.requireString(args, 'appName'),
      redirectUris: urisOf(args, 'redirectUris') ?? [],
      logoutRedirectUris: urisOf(args, 'logoutRedirectUris') ?? [],
      tokenEndpointAuthMethod: authMethodOf(args),
    });
    extras.set(app.appId, extraOf(args));
    store.changed();
    return dto(app);
  });
  route('POST', 'update-application', (args) => {
    const app = requireApp(args);
    app.appName = validation.optionalString(args, 'appName') ?? app.appName;
    app.redirectUris = urisOf(args, 'redirectUris') ?? app.redirectUris;
    app.logoutRedirectUris = urisOf(args, 'logoutRedirectUris') ?? app.logoutRedirectUris;
    app.tokenEndpointAuthMethod = authMethodOf(args) ?? app.tokenEndpointAuthMethod;
    extras.set(app.appId, { ...(extras.get(app.appId) ?? {}), ...extraOf(args) });
    store.changed();
    return dto(app);
  });
  route('POST', 'delete-application', (args) => {
    const app = requireApp(args);
    if (app.appId === store.mainAppId) throw invalidArgument('The emulator main application cannot be deleted');
    store.apps.delete(app.appId);
    extras.delete(app.appId);
    access.delete(app.appId);
    store.changed();
    return { success: true };
  });
  route('GET', 'get-application-secret', (args) => ({ secret: requireApp(args).appSecret }));
  route('POST', 'refresh-application-secret', (args) => {
    const app = requireApp(args);
    app.appSecret = newSecret();
    store.changed();
    return { secret: app.appSecret };
  });

  route('POST', 'list-application-active-users', (args) => {
    const app = requireApp(args);
    const { page, limit } = validation.pagination(
      validation.optionalObject(validation.optionalObject(args, 'options') ?? {}, 'pagination'),
    );
    const kickedAt = store.kickedAt;
    const ids = new Set<string>();
    for (const row of store.collections.of('loginHistory').values()) {
      if (row.appId === app.appId && Date.parse(String(row.loginAt)) >= (kickedAt.get(String(row.userId)) ?? 0))
        ids.add(String(row.userId));
    }
    const list = [...ids]
      .map((id) => store.users.get(id))
      .filter((u) => u !== undefined)
      .map((u) => ({ userId: u.userId, username: u.profile.username, email: u.profile.email, lastLogin: u.lastLogin }));
    return validation.paginate(list, page, limit);
  });

  route('GET', 'get-application-permission-strategy', (args) => ({
    permissionStrategy: {
      allowPolicyId: '',
      denyPolicyId: '',
      ...((extras.get(requireApp(args).appId)?.permissionStrategy as Row) ?? {}),
    },
  }));
  route('POST', 'update-application-permission-strategy', (args) => {
    const app = requireApp(args);
    const strategy = validation.requireString(args, 'permissionStrategy');
    if (strategy !== 'ALLOW_ALL' && strategy !== 'DENY_ALL')
      throw invalidArgument('Field permissionStrategy must be ALLOW_ALL or DENY_ALL');
    extras.set(app.appId, { ...(extras.get(app.appId) ?? {}), permissionStrategy: { defaultStrategy: strategy } });
    store.changed();
    return { success: true };
  });
  const accessList = (args: validation.Args): Row[] =>
    validation.requireArray(args, 'list').map((raw, i) => {
      if (typeof raw !== 'object' || raw === null) throw invalidArgument(`Field list[${i}] must be an object`);
      const item = raw as validation.Args;
      const targetType = validation.requireString(item, 'targetType');
      if (!['USER', 'ROLE', 'GROUP', 'DEPARTMENT'].includes(targetType))
        throw invalidArgument(`Field list[${i}].targetType is invalid`);
      const effect = validation.optionalString(item, 'effect') ?? 'ALLOW';
      if (effect !== 'ALLOW' && effect !== 'DENY')
        throw invalidArgument(`Field list[${i}].effect must be ALLOW or DENY`);
      return { targetType, targetIdentifier: item.targetIdentifiers ?? item.targetIdentifier, effect };
    });
  route('POST', 'authorize-application-access', (args) => {
    const app = requireApp(args);
    const list = [...((access.get(app.appId)?.list as Row[] | undefined) ?? []), ...accessList(args)];
    access.set(app.appId, { list });
    store.changed();
    return { success: true };
  });
  route('POST', 'revoke-application-access', (args) => {
    const app = requireApp(args);
    const removed = accessList(args).map((e) => JSON.stringify([e.targetType, e.targetIdentifier]));
    const list = ((access.get(app.appId)?.list as Row[] | undefined) ?? []).filter(
      (e) => !removed.includes(JSON.stringify([e.targetType, e.targetIdentifier])),
    );
    access.set(app.appId, { list });
    store.changed();
    return { success: true };
  });
  route('POST', 'check-domain-available', (args) => {
    const domain = validation.requireString(args, 'domain');
    const taken = [...extras.values()].some((e) => e.appIdentifier === domain);
    return { isValid: !taken, message: taken ? 'The domain is taken' : '' };
  });
}

function appDto(app: ReturnType<typeof publicApp>, extra: Row): Row {
  return {
    appType: 'web',
    ...extra,
    appId: app.appId,
    appName: app.appName,
    appSecret: app.appSecret,
    defaultProtocol: 'oidc',
    redirectUris: app.redirectUris,
    logoutRedirectUris: app.logoutRedirectUris,
    oidcConfig: { token_endpoint_auth_method: app.tokenEndpointAuthMethod },
  };
}
