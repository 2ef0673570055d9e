// Applications, resources and permissions in the management API. Field names follow Authing's v3
// API.

// ─── Applications ─────────────────────────────────────────────────────────────────────────────────

export interface Application {
  appId: string;
  appIdentifier?: string;
  appName: string;
  appLogo?: string;
  appDescription?: string;
  appType?: 'web' | 'spa' | 'native' | 'api' | 'mfa' | 'mini-program';
  userPoolId?: string;
  isIntegrateApp?: boolean;
  defaultProtocol?: 'oidc' | 'oauth' | 'saml' | 'cas' | 'asa';
  redirectUris?: string[];
  logoutRedirectUris?: string[];
  initLoginUri?: string;
  ssoEnabled?: boolean;
  oidcConfig?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface CreateApplicationRequest {
  appName: string;
  appIdentifier?: string;
  appLogo?: string;
  appDescription?: string;
  appType?: Application['appType'];
  defaultProtocol?: Application['defaultProtocol'];
  redirectUris?: string[];
  logoutRedirectUris?: string[];
  initLoginUri?: string;
  ssoEnabled?: boolean;
  [field: string]: unknown;
}

// ─── Resources and permissions ────────────────────────────────────────────────────────────────────

export type ResourceType = 'DATA' | 'API' | 'MENU' | 'BUTTON' | 'UI';

export interface ResourceAction {
  name: string;
  description: string;
}

export interface Resource {
  code: string;
  description?: string;
  name?: string;
  type: ResourceType;
  actions?: ResourceAction[];
  apiIdentifier?: string;
  namespace?: string;
}

export interface CreateResourceRequest {
  code: string;
  type: ResourceType;
  description?: string;
  name?: string;
  actions?: ResourceAction[];
  apiIdentifier?: string;
  namespace?: string;
}

export interface ResourceQuery {
  code: string;
  namespace?: string;
}

export type PolicyTargetType = 'USER' | 'ROLE' | 'GROUP' | 'DEPARTMENT';

export interface AuthorizedResource {
  resourceCode: string;
  resourceType: ResourceType;
  actions: string[];
  apiIdentifier?: string;
  description?: string;
}

export interface AuthorizeResourcesRequest {
  namespace?: string;
  list: {
    targetType: PolicyTargetType;
    targetIdentifiers: string[];
    resources: { resourceType: ResourceType; code: string; actions: string[] }[];
  }[];
}

/** `checkPermission`: the wire names the namespace `namespaceCode` (Authing requires it; `default` is its own). */
export interface CheckPermissionRequest {
  userId: string;
  namespaceCode?: string;
  resources: string[];
  action: string;
  /** Evaluate the data policies' environment conditions (then pass `authEnvParams`). */
  judgeConditionEnabled?: boolean;
  authEnvParams?: Record<string, string>;
}

export interface PermissionCheckResult {
  namespaceCode?: string;
  resource: string;
  action: string;
  enabled: boolean;
}

/** `isActionAllowed`: may the user perform `action` on `resource` (e.g. `order:42`) in `namespace`? */
export interface IsActionAllowedRequest {
  userId: string;
  action: string;
  resource: string;
  namespace?: string;
}

export interface IsSuccess {
  success: boolean;
}
