/**
 * The NestJS layer: `AuthingModule`, guards, decorators and the hosted-login strategy. Built on the
 * SDK (`nestjs-authing/sdk`), which never imports it. Only what applications use is exported here;
 * the services behind the guards are internal.
 */
export { AuthingModule } from './module/authing.module.js';
export { AUTHING_RAW_OPTIONS } from './module/authing.module-definition.js';
export type { AuthingModuleForRootOptions, AuthingModuleAsyncOptions } from './module/authing.module-definition.js';
export type {
  AuthingModuleOptions,
  AuthingModuleExtras,
  AuthingOptionsFactory,
  AuthingRolesSource,
  AuthingTokenValidation,
} from './options/authing-options.interface.js';
export { AuthingConfigurationError } from './options/option-checks.js';
export type { ResolvedAuthingOptions } from './options/resolved-options.js';
export {
  AUTHING_OPTIONS,
  AUTHING_RESOLVED_OPTIONS,
  AUTHING_ROOT_CLIENT,
  AUTHING_STRATEGY,
  PUBLIC_KEY,
  OPTIONAL_AUTH_KEY,
  ROLES_KEY,
  PERMISSIONS_KEY,
} from './constants.js';
export { AuthingClients } from './providers/authing-clients.service.js';
export {
  AuthingManagementNotConfiguredError,
  isManagementConfigured,
} from './providers/unconfigured-management-client.js';
export { AuthingRolesService } from './roles/authing-roles.service.js';
export type { AuthingRolesLookup } from './roles/authing-roles.service.js';
export { AuthingAuthorization } from './authorization/authing-authorization.service.js';
export type { AuthingAuthorizationCheck } from './authorization/authing-authorization.service.js';
export { ResourceAccess } from './authorization/decorators.js';
export type {
  AuthingMatch,
  AuthingRoleRequirement,
  AuthingPermissionRequirement,
  AuthingResourceRequirement,
  AuthingResourceId,
  AuthingResourceApi,
} from './authorization/requirements.js';
export { createAuthingUser } from './user/authing-user.js';
export type { AuthingUser } from './user/authing-user.js';
export { checkReturnTo } from './login/return-to.js';
export { AuthingGuard } from './guards/authing.guard.js';
export { AuthingRolesGuard } from './guards/authing-roles.guard.js';
export { AuthingLoginGuard } from './login/authing-login.guard.js';
export { AuthingLoginParams } from './login/login-params.decorator.js';
export { AuthingLoginRefusedError } from './login/login-refusal.js';
export type {
  AuthingAuthorizeParams,
  AuthingLoginContext,
  AuthingLoginDecision,
  AuthingLoginOptions,
  ResolvedLoginOptions,
} from './login/login-options.js';
export { AuthingStrategy } from './strategy/authing.strategy.js';
export type { AuthingPassportStrategy } from './strategy/authing.strategy.js';
export type { OidcStrategyBase, PassportLike } from './strategy/hosted-login-dependencies.js';
export { AuthingOptionalDependencyError } from './strategy/hosted-login-dependencies.js';
export { AuthingLogout } from './logout/authing-logout.service.js';
export type { AuthingLogoutOptions, RedirectingResponse } from './logout/authing-logout.service.js';
export { Public, OptionalAuth, Roles, Permissions } from './decorators/access.decorators.js';
export {
  CurrentUser,
  AccessToken,
  AuthingClient,
  AuthingClientPipe,
  AuthingReturnTo,
} from './decorators/param.decorators.js';
export { authingSessionOptions, AuthingSessionMissingError } from './session/authing-session.js';
export type { AuthingSessionOptions, AuthingSessionRecord } from './session/authing-session.js';
export type { AuthingSessionLifetime } from './session/session-lifetime.js';
export { AuthingBackchannelLogout } from './backchannel/authing-backchannel-logout.service.js';
export type { BackchannelLogoutResult } from './backchannel/authing-backchannel-logout.service.js';
export { guardSessionStore } from './session/store-outage.js';
export type { SessionStoreOutageOptions, SessionMiddleware } from './session/store-outage.js';
export { redisSessionCluster } from './cluster/session-cluster.js';
export type { AuthingSessionCluster, RedisLikeClient, RedisSessionClusterOptions } from './cluster/session-cluster.js';
export type { AuthingRequest } from './request/request-context.js';
export { AuthingSockets } from './websocket/authing-sockets.service.js';
export type {
  AuthingSocketLike,
  AuthingSocketOptions,
  AuthingSocketRefusal,
} from './websocket/authing-sockets.service.js';
export { OnAuthingEvent } from './events/on-authing-event.decorator.js';
export { AuthingEventsModule, AuthingEventSubscriptions } from './events/authing-events.module.js';
export type { AuthingEventsOptions } from './events/authing-events.module.js';
export { AuthingTenants } from './tenancy/authing-tenants.service.js';
export type { AuthingTenant } from './tenancy/authing-tenants.service.js';
export type {
  AuthingTenancyOptions,
  AuthingTenantOptions,
  AuthingTenantOverrides,
  AuthingTenantResolver,
} from './tenancy/tenancy-options.js';
export { authingFastifySessionOptions } from './session/fastify-session.js';
export type {
  AuthingFastifySessionOptions,
  AuthingFastifySessionPluginOptions,
  FastifySessionPluginStore,
  FastifySessionStoreLike,
} from './session/fastify-session.js';
