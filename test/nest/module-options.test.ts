import 'reflect-metadata';
import { inspect } from 'node:util';
import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { AuthenticationClient } from '../../lib/index.js';
import {
  AUTHING_RESOLVED_OPTIONS,
  AUTHING_ROOT_CLIENT,
  AuthingClients,
  AuthingConfigurationError,
  AuthingGuard,
  AuthingManagementNotConfiguredError,
  AuthingModule,
  ManagementClient,
  type AuthingModuleOptions,
  type AuthingOptionsFactory,
  type ResolvedAuthingOptions,
} from '../../lib/index.js';
import { APP_HOST, APP_ID, APP_SECRET } from './support/keys.js';

const BASE: AuthingModuleOptions = {
  appId: APP_ID,
  appSecret: APP_SECRET,
  appHost: APP_HOST,
  loadSigningKeysOnStart: false,
};

async function boot(imports: unknown[]) {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
  await moduleRef.init();
  return moduleRef;
}

async function bootError(options: Record<string, unknown>): Promise<Error> {
  try {
    const moduleRef = await boot([AuthingModule.forRoot(options as unknown as AuthingModuleOptions)]);
    await moduleRef.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the module booted with invalid options');
}

describe('options are validated at start-up, naming the option', () => {
  test.each([
    ['appId missing', { appHost: APP_HOST }, 'appId', /"appId" is required/],
    ['appHost missing', { appId: APP_ID }, 'appHost', /"appHost" is required/],
    [
      'appHost not a URL',
      { ...BASE, appHost: 'example.authing.cn' },
      'appHost',
      /absolute http\(s\) URL \(got "example\.authing\.cn"\)/,
    ],
    ['redirectUri relative', { ...BASE, redirectUri: '/callback' }, 'redirectUri', /absolute http\(s\) URL/],
    ['accessKeyId without its secret', { ...BASE, accessKeyId: 'AK' }, 'accessKeySecret', /required when the other/],
    ['accessKeySecret without its id', { ...BASE, accessKeySecret: 'SK' }, 'accessKeyId', /required when the other/],
    [
      'management roles without credentials',
      { ...BASE, roles: { source: 'management' } },
      'roles.source',
      /accessKeyId and accessKeySecret/,
    ],
    ['unknown roles source', { ...BASE, roles: { source: 'ldap' } }, 'roles.source', /one of 'token', 'management'/],
    ['unknown token validation', { ...BASE, tokenValidation: 'online' }, 'tokenValidation', /'local', 'introspection'/],
    [
      'allowedReturnTo with a path',
      { ...BASE, allowedReturnTo: ['https://app.example.com/x'] },
      'allowedReturnTo[0]',
      /origin only/,
    ],
    ['defaultReturnTo off-site', { ...BASE, defaultReturnTo: '//evil.com' }, 'defaultReturnTo', /path of this site/],
    ['csrf as true', { ...BASE, csrf: true }, 'csrf', /false or \{ allowedOrigins/],
    [
      'csrf.allowedOrigins with a path',
      { ...BASE, csrf: { allowedOrigins: ['https://app.example.com/x'] } },
      'csrf.allowedOrigins[0]',
      /origin only/,
    ],
    ['scope without openid', { ...BASE, scope: 'profile email' }, 'scope', /must contain "openid"/],
    ['negative cache TTL', { ...BASE, introspectionCacheTtl: -1 }, 'introspectionCacheTtl', /number ≥ 0/],
    ['timeout as a string (SDK check)', { ...BASE, timeout: '5000' }, 'timeout', /timeout/],
    [
      'bad token auth method (SDK check)',
      { ...BASE, tokenEndPointAuthMethod: 'private_key_jwt' },
      'tokenEndPointAuthMethod',
      /must be one of/,
    ],
  ])('%s', async (_name, options, option, message) => {
    const error = await bootError(options);
    expect(error).toBeInstanceOf(AuthingConfigurationError);
    expect((error as AuthingConfigurationError).option).toBe(option);
    expect(error.message).toMatch(new RegExp(`^AuthingModule option "${option.replace(/[[\].]/g, '\\$&')}"`));
    expect(error.message).toMatch(message);
  });

  test('secrets are never echoed in the message', async () => {
    const error = await bootError({ ...BASE, accessKeyId: 'AKID-9f8e7d', accessKeySecret: '   ' });
    expect(error.message).toMatch(/"accessKeySecret"/);
    expect(error.message).not.toContain('AKID-9f8e7d');
    const secretError = await bootError({ ...BASE, appSecret: '' });
    expect(secretError.message).toMatch(
      /"appSecret" is required and must be a non-empty string \(got an empty string\)/,
    );
  });

  test('a valid configuration fills in the defaults', async () => {
    const moduleRef = await boot([AuthingModule.forRoot(BASE)]);
    const options = moduleRef.get<ResolvedAuthingOptions>(AUTHING_RESOLVED_OPTIONS);
    expect(options).toMatchObject({
      appId: APP_ID,
      scope: 'openid profile email roles',
      tokenValidation: 'local',
      roles: { source: 'token', cacheTtl: 60_000, scopesAsPermissions: false },
      defaultReturnTo: '/',
      pkce: true,
      sessionKey: 'authing',
      management: undefined,
    });
    await moduleRef.close();
  });

  test('with management credentials, roles come from Authing by default (and the scope asks for no roles)', async () => {
    const withCredentials = { ...BASE, accessKeyId: 'AK-1', accessKeySecret: 'SK-1' };
    let moduleRef = await boot([AuthingModule.forRoot(withCredentials)]);
    expect(moduleRef.get<ResolvedAuthingOptions>(AUTHING_RESOLVED_OPTIONS)).toMatchObject({
      scope: 'openid profile email',
      roles: { source: 'management' },
    });
    await moduleRef.close();
    // The user's choice wins.
    moduleRef = await boot([AuthingModule.forRoot({ ...withCredentials, roles: { source: 'token' } })]);
    expect(moduleRef.get<ResolvedAuthingOptions>(AUTHING_RESOLVED_OPTIONS).roles.source).toBe('token');
    await moduleRef.close();
  });

  test('the resolved options keep secrets out of logs and JSON', async () => {
    const moduleRef = await boot([
      AuthingModule.forRoot({ ...BASE, accessKeyId: 'AK-123', accessKeySecret: 'SK-456' }),
    ]);
    const options = moduleRef.get<ResolvedAuthingOptions>(AUTHING_RESOLVED_OPTIONS);
    expect(options.management).toEqual({ accessKeyId: 'AK-123', accessKeySecret: 'SK-456' });
    expect(options.client.appSecret).toBe(APP_SECRET);
    for (const text of [JSON.stringify(options), inspect(options, { depth: 5 })]) {
      expect(text).not.toContain(APP_SECRET);
      expect(text).not.toContain('SK-456');
      expect(text).not.toContain('AK-123');
    }
    expect(inspect(moduleRef.get(ManagementClient))).not.toContain('SK-456');
    await moduleRef.close();
  });
});

describe('forRootAsync', () => {
  const env = {
    AUTHING_APP_ID: APP_ID,
    AUTHING_APP_SECRET: APP_SECRET,
    AUTHING_APP_HOST: APP_HOST,
    AUTHING_ACCESS_KEY_ID: 'ak-from-config',
    AUTHING_ACCESS_KEY_SECRET: 'sk-from-config',
  };
  const fromConfig = (config: ConfigService): AuthingModuleOptions => ({
    appId: config.getOrThrow('AUTHING_APP_ID'),
    appSecret: config.get('AUTHING_APP_SECRET'),
    appHost: config.getOrThrow('AUTHING_APP_HOST'),
    accessKeyId: config.get('AUTHING_ACCESS_KEY_ID'),
    accessKeySecret: config.get('AUTHING_ACCESS_KEY_SECRET'),
    loadSigningKeysOnStart: false,
  });

  test('useFactory with @nestjs/config ConfigModule / ConfigService', async () => {
    const moduleRef = await boot([
      AuthingModule.forRootAsync({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => env] })],
        inject: [ConfigService],
        useFactory: fromConfig,
      }),
    ]);
    const root = moduleRef.get<AuthenticationClient>(AUTHING_ROOT_CLIENT);
    expect(root.appId).toBe(APP_ID);
    expect(moduleRef.get(AuthingClients).hasManagement).toBe(true);
    expect(moduleRef.get(ManagementClient).host).toBe('https://api.authing.cn');
    await moduleRef.close();
  });

  test('a bad value coming from ConfigService stops the boot with the option named', async () => {
    await expect(
      boot([
        AuthingModule.forRootAsync({
          imports: [
            ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ ...env, AUTHING_APP_HOST: 'not a url' })] }),
          ],
          inject: [ConfigService],
          useFactory: fromConfig,
        }),
      ]),
    ).rejects.toThrow('AuthingModule option "appHost" must be an absolute http(s) URL (got "not a url")');
  });

  test('useClass', async () => {
    @Injectable()
    class OptionsFromClass implements AuthingOptionsFactory {
      createAuthingOptions(): AuthingModuleOptions {
        return { ...BASE, appId: 'from-class' };
      }
    }
    const moduleRef = await boot([AuthingModule.forRootAsync({ useClass: OptionsFromClass })]);
    expect(moduleRef.get<ResolvedAuthingOptions>(AUTHING_RESOLVED_OPTIONS).appId).toBe('from-class');
    await moduleRef.close();
  });

  test('useExisting with an async factory', async () => {
    @Injectable()
    class ExistingOptions implements AuthingOptionsFactory {
      async createAuthingOptions(): Promise<AuthingModuleOptions> {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { ...BASE, appId: 'from-existing' };
      }
    }
    @Module({ providers: [ExistingOptions], exports: [ExistingOptions] })
    class OptionsModule {}
    const moduleRef = await boot([
      AuthingModule.forRootAsync({ imports: [OptionsModule], useExisting: ExistingOptions }),
    ]);
    expect(moduleRef.get<ResolvedAuthingOptions>(AUTHING_RESOLVED_OPTIONS).appId).toBe('from-existing');
    await moduleRef.close();
  });
});

describe('ManagementClient provider', () => {
  test('is a singleton: one instance across resolutions and modules', async () => {
    @Injectable()
    class UsesManagement {
      constructor(readonly management: ManagementClient) {}
    }
    @Module({ providers: [UsesManagement], exports: [UsesManagement] })
    class FeatureModule {}
    const moduleRef = await boot([
      AuthingModule.forRoot({ ...BASE, accessKeyId: 'AK', accessKeySecret: 'SK', host: 'http://127.0.0.1:9' }),
      FeatureModule,
    ]);
    const first = moduleRef.get(ManagementClient);
    expect(first).toBeInstanceOf(ManagementClient);
    expect(moduleRef.get(ManagementClient)).toBe(first);
    expect(await moduleRef.resolve(ManagementClient)).toBe(first);
    expect(moduleRef.get(UsesManagement).management).toBe(first);
    expect(moduleRef.get(AuthingClients).management).toBe(first);
    expect(first.host).toBe('http://127.0.0.1:9');
    await moduleRef.close();
  });

  test('without credentials the app boots, and using the client explains what is missing', async () => {
    @Injectable()
    class UsesManagement {
      constructor(readonly management: ManagementClient) {}
    }
    @Module({ providers: [UsesManagement] })
    class FeatureModule {}
    const moduleRef = await boot([AuthingModule.forRoot(BASE), FeatureModule]);
    const management = moduleRef.get(UsesManagement).management;
    expect(management).toBeInstanceOf(ManagementClient);
    expect(moduleRef.get(AuthingClients).hasManagement).toBe(false);
    expect(() => management.listUsers({})).toThrow(AuthingManagementNotConfiguredError);
    expect(() => management.listUsers({})).toThrow(
      /ManagementClient\.listUsers cannot be used: AuthingModule has no management credentials\. Pass accessKeyId and accessKeySecret/,
    );
    await moduleRef.close(); // lifecycle hooks probe the stand-in without tripping it
  });
});

describe('module shape', () => {
  @Controller('feature')
  class FeatureController {
    @Get()
    @UseGuards(AuthingGuard)
    get() {
      return 'ok';
    }
  }
  @Module({ controllers: [FeatureController] })
  class FeatureModule {}

  test('global by default: a feature module uses AuthingGuard without importing the module', async () => {
    const moduleRef = await boot([AuthingModule.forRoot(BASE), FeatureModule]);
    expect(moduleRef.get(FeatureController)).toBeInstanceOf(FeatureController);
    await moduleRef.close();
  });

  test('isGlobal: false keeps the providers to importing modules', async () => {
    await expect(boot([AuthingModule.forRoot({ ...BASE, isGlobal: false }), FeatureModule])).rejects.toThrow(
      /AuthingGuard|AuthingAccessPolicy/,
    );
  });

  test('clients are closed when the application shuts down', async () => {
    const moduleRef = await boot([AuthingModule.forRoot({ ...BASE, accessKeyId: 'AK', accessKeySecret: 'SK' })]);
    const root = moduleRef.get<AuthenticationClient>(AUTHING_ROOT_CLIENT);
    const management = moduleRef.get(ManagementClient);
    const rootClose = jest.spyOn(root, 'close');
    const managementClose = jest.spyOn(management, 'close');
    await moduleRef.close();
    expect(rootClose).toHaveBeenCalledTimes(1);
    expect(managementClose).toHaveBeenCalledTimes(1);
  });
});
