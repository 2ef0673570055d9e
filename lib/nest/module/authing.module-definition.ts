import { ConfigurableModuleBuilder, type ConfigurableModuleAsyncOptions, type Provider } from '@nestjs/common';
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

/**
 * The object `AuthingModule.forRoot()` takes: options and extras. Spelled out rather than as
 * `typeof AUTHING_OPTIONS_TYPE`, so the public surface names no builder internals.
 */
export type AuthingModuleForRootOptions = AuthingModuleOptions & Partial<AuthingModuleExtras>;
/** The object `AuthingModule.forRootAsync()` takes: `imports`, `inject` and a factory, class or existing provider. */
export type AuthingModuleAsyncOptions = ConfigurableModuleAsyncOptions<AuthingModuleOptions, 'createAuthingOptions'> &
  Partial<AuthingModuleExtras>;

// The spelled-out types must stay the builder's: each must accept what the other does.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameOptions: Same<AuthingModuleForRootOptions, typeof AUTHING_OPTIONS_TYPE> = true;
const sameAsyncOptions: Same<AuthingModuleAsyncOptions, typeof AUTHING_ASYNC_OPTIONS_TYPE> = true;
void sameOptions;
void sameAsyncOptions;
