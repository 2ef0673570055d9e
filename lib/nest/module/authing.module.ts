import { Module, type DynamicModule } from '@nestjs/common';
import { AuthenticationClient, ManagementClient } from '../../sdk/index.js';
import { AuthingAuthenticator } from '../authentication/authing-authenticator.service.js';
import { AuthingRolesService } from '../roles/authing-roles.service.js';
import { AuthingAuthorization } from '../authorization/authing-authorization.service.js';
import { AuthorizationStartupCheck } from '../authorization/startup-check.js';
import { AUTHING_RESOLVED_OPTIONS, AUTHING_ROOT_CLIENT } from '../constants.js';
import { AuthingClientPipe } from '../decorators/param.decorators.js';
import { AuthingLoginGuard } from '../login/authing-login.guard.js';
import { AuthingAccessPolicy } from '../guards/access-policy.js';
import { AuthingGuard } from '../guards/authing.guard.js';
import { AuthingRolesGuard } from '../guards/authing-roles.guard.js';
import { AuthingLogout } from '../logout/authing-logout.service.js';
import { AuthingBackchannelLogout } from '../backchannel/authing-backchannel-logout.service.js';
import { AuthingClients } from '../providers/authing-clients.service.js';
import { clientProviders } from '../providers/client.providers.js';
import { AuthingStrategy } from '../strategy/authing.strategy.js';
import { AuthingTenants } from '../tenancy/authing-tenants.service.js';
import { AUTHING_TENANCY } from '../tenancy/tenancy-dispatch.js';
import { TenantRegistry } from '../tenancy/tenant-registry.js';
import { AuthingSockets } from '../websocket/authing-sockets.service.js';
import {
  AUTHING_RAW_OPTIONS,
  AuthingConfigurableModule,
  type AuthingModuleAsyncOptions,
  type AuthingModuleForRootOptions,
} from './authing.module-definition.js';

/** The module's own services: provided and exported alike, so importers can inject any of them. */
const SERVICES = [
  AuthingClients,
  AuthingAuthenticator,
  AuthingRolesService,
  AuthingAuthorization,
  AuthingAccessPolicy,
  AuthingGuard,
  AuthingRolesGuard,
  AuthingStrategy,
  AuthingLoginGuard,
  AuthingLogout,
  AuthingBackchannelLogout,
  AuthingClientPipe,
  AuthingTenants,
  AuthingSockets,
];

/**
 * Authing for NestJS: the SDK clients as providers, hosted login (passport-openidconnect), bearer and
 * session guards, role checks and decorators.
 *
 * @example
 * AuthingModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({
 *     appId: config.getOrThrow('AUTHING_APP_ID'),
 *     appSecret: config.getOrThrow('AUTHING_APP_SECRET'),
 *     appHost: config.getOrThrow('AUTHING_APP_HOST'),
 *     redirectUri: config.get('AUTHING_REDIRECT_URI'),
 *   }),
 * })
 */
@Module({
  providers: [
    ...clientProviders(AUTHING_RAW_OPTIONS),
    ...SERVICES,
    AuthorizationStartupCheck,
    { provide: AUTHING_TENANCY, useClass: TenantRegistry },
  ],
  exports: [
    AUTHING_RESOLVED_OPTIONS,
    AUTHING_ROOT_CLIENT,
    ManagementClient,
    AuthenticationClient,
    ...SERVICES,
    // Guards an app lists in @UseGuards are instantiated in its own module: they must find it too.
    AUTHING_TENANCY,
  ],
})
export class AuthingModule {
  /** The module with these options; extras `isGlobal` (default true) and `globalGuard` (default false). */
  static forRoot(options: AuthingModuleForRootOptions): DynamicModule {
    // The builder's class builds the definition; it is this class's (the base stays off the public surface).
    return { ...AuthingConfigurableModule.forRoot(options), module: AuthingModule };
  }

  /** The module with options from a factory, class or existing provider (e.g. ConfigService). */
  static forRootAsync(options: AuthingModuleAsyncOptions): DynamicModule {
    return { ...AuthingConfigurableModule.forRootAsync(options), module: AuthingModule };
  }
}
