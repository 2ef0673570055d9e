/** The sessionLifetime and cluster options: defaults, and bad values refused naming the option. */
import { AuthingConfigurationError } from '../../lib/index.js';
import { resolveAuthingOptions } from '../../lib/nest/options/validate-options.js';

const base = { appId: 'app', appHost: 'https://example.authing.cn' };

test('defaults: 8 hours absolute, 30 minutes of inactivity; no cluster', () => {
  const { resolved } = resolveAuthingOptions(base);
  expect(resolved.sessionLifetime).toEqual({ absolute: 8 * 3600_000, idle: 30 * 60_000 });
  expect(resolved.cluster).toBeUndefined();
});

test.each([
  [{ idle: 10 }, 'sessionLifetime.idle'],
  [{ absolute: 'long' }, 'sessionLifetime.absolute'],
  [{ idel: 1000 }, 'sessionLifetime'],
  ['8h', 'sessionLifetime'],
])('sessionLifetime %p is refused', (value, option) => {
  const attempt = () => resolveAuthingOptions({ ...base, sessionLifetime: value as never });
  expect(attempt).toThrow(AuthingConfigurationError);
  expect(attempt).toThrow(`"${option}"`);
});

test('a cluster without the needed methods is refused, naming them', () => {
  expect(() => resolveAuthingOptions({ ...base, cluster: { acquireLock() {} } as never })).toThrow(
    /"cluster".*missing: releaseLock, claimOnce, addToIndex, takeIndex/,
  );
});
