import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { AuthingModule, type AuthingModuleOptions } from '../lib/index.js';
import { moduleOptions, type SampleAuthingConfig } from './config.js';
import { AdminController } from './controllers/admin.controller.js';
import { ApiController, ScopedProfileController } from './controllers/api.controller.js';
import { HomeController } from './controllers/home.controller.js';
import { TenantController } from './controllers/tenant.controller.js';
import { HtmlErrorsFilter } from './html-errors.filter.js';
import { SampleIdentity } from './identity.service.js';

/**
 * The sample application. The Authing settings arrive through @nestjs/config (`authing` namespace);
 * `AuthingModule.forRootAsync` reads them with ConfigService, as a real application would.
 */
@Module({})
export class AppModule {
  static register(
    authing: SampleAuthingConfig,
    extras: Pick<AuthingModuleOptions, 'cluster' | 'sessionLifetime'> = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [registerAs('authing', () => authing)] }),
        AuthingModule.forRootAsync({
          // Every route needs a login unless marked @Public().
          globalGuard: true,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            ...moduleOptions(config.getOrThrow<SampleAuthingConfig>('authing')),
            ...(extras.cluster ? { cluster: extras.cluster } : {}),
            ...(extras.sessionLifetime ? { sessionLifetime: extras.sessionLifetime } : {}),
          }),
        }),
      ],
      controllers: [HomeController, ApiController, ScopedProfileController, AdminController, TenantController],
      // Errors as HTML pages for browsers (404, 403, 401, 5xx); JSON for API clients.
      providers: [SampleIdentity, { provide: APP_FILTER, useClass: HtmlErrorsFilter }],
    };
  }
}
