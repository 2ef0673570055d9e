import { resolveAuthingOptions } from '../../lib/nest/options/validate-options.js';
import { paramsFromQuery, resolveLoginOptions } from '../../lib/nest/login/login-options.js';
import { AuthingConfigurationError } from '../../lib/index.js';

const base = { appId: 'app', appHost: 'https://example.authing.cn' };
const fail = (option: string, reason: string) => new AuthingConfigurationError(option, reason);

describe('the login option', () => {
  test('defaults: prompt, login_hint and ui_locales from the query, no extra scope, fallback to returnTo', () => {
    const { resolved } = resolveAuthingOptions(base);
    expect([...resolved.login.queryParams]).toEqual(['prompt', 'login_hint', 'ui_locales']);
    expect(resolved.login.allowedScopes.size).toBe(0);
    expect(resolved.login.silentFallback).toBe('returnTo');
  });

  test('bad values are refused naming the option', () => {
    expect(() => resolveAuthingOptions({ ...base, login: { afterLogin: 'no' as never } })).toThrow(/login\.afterLogin/);
    expect(() => resolveAuthingOptions({ ...base, login: { queryParams: ['redirect_uri' as never] } })).toThrow(
      /login\.queryParams/,
    );
    expect(() => resolveAuthingOptions({ ...base, login: { silentFallback: 'page' as never } })).toThrow(
      /login\.silentFallback/,
    );
    expect(() => resolveAuthingOptions({ ...base, login: { afterlogin: () => undefined } as never })).toThrow(
      /unknown keys: afterlogin/,
    );
  });

  test('query values are checked: unknown prompts, control characters and unlisted scopes are dropped', () => {
    const options = resolveLoginOptions({ allowedScopes: ['phone'], queryParams: ['prompt', 'login_hint'] }, fail);
    expect(
      paramsFromQuery(
        { prompt: 'none', login_hint: 'a@b.c', ui_locales: 'en', scope: 'phone admin', tenant_id: 't' },
        options,
      ),
    ).toEqual({ prompt: 'none', loginHint: 'a@b.c', scopes: ['phone'] });
    expect(paramsFromQuery({ prompt: 'create', login_hint: 'a\nb', scope: 'admin' }, options)).toEqual({});
    expect(paramsFromQuery({ prompt: ['none'] }, options)).toEqual({});
  });
});
