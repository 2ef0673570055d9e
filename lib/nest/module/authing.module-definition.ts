import { ConfigurableModuleBuilder, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthingGuard } from '../guards/authing.guard.js';
import type { AuthingModuleExtras, AuthingModuleOptions } from '../options/authing-options.interface.js';

/**
 * `forRoot(options)` / `forRootAsync({ imports, inject, useFactory | useClass | useExisting })`, built
 * with Nest's ConfigurableModuleBuilder. Extras: `isGlobal` (default true) and `globalGuard`.
 */
export const {
  ConfigurableModuleClass: AuthingConfigurableModule,
  MODULE_OPTIONS_TOKEN: AUTHING_RAW_OPTIONS,
  OPTIONS_TYPE: AUTHING_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTHING_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthingModuleOptions>({ moduleName: 'Authing' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createAuthingOptions')
  .setExtras<AuthingModuleExtras>({ isGlobal: true, globalGuard: false }, (definition, extras) => {
    const providers: Provider[] = [...(definition.providers ?? [])];
    if (extras.globalGuard) providers.push({ provide: APP_GUARD, useExisting: AuthingGuard });
    return { ...definition, global: extras.isGlobal !== false, providers };
  })
  .build();

/** The object `AuthingModule.forRoot()` takes: options and extras. */
export type AuthingModuleForRootOptions = typeof AUTHING_OPTIONS_TYPE;
/** The object `AuthingModule.forRootAsync()` takes. */
export type AuthingModuleAsyncOptions = typeof AUTHING_ASYNC_OPTIONS_TYPE;
