import { AuthingError, ManagementClient } from '../../sdk/index.js';

/**
 * Thrown when the ManagementClient is used but the module has no management credentials: `code`
 * `management_not_configured`, `reason` the member that was used.
 */
export class AuthingManagementNotConfiguredError extends AuthingError {
  declare readonly code: 'management_not_configured';
  constructor(member: string) {
    super(
      'management_not_configured',
      member,
      `ManagementClient.${member} cannot be used: AuthingModule has no management credentials. ` +
        'Pass accessKeyId and accessKeySecret (and host for a private deployment) in the module options.',
    );
  }
}

// Properties Nest and Node probe on every provider (lifecycle hooks, thenables, inspection): these
// must read as absent, or the application would crash at boot instead of at use.
const PROBED = new Set([
  'then',
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
  'toJSON',
  'inspect',
  'asymmetricMatch',
  '$$typeof',
  'nodeType',
  '@@__IMMUTABLE_ITERABLE__@@',
  '@@__IMMUTABLE_RECORD__@@',
]);

/**
 * Stands in for the ManagementClient when no credentials are configured: injecting it works, and any
 * use throws {@link AuthingManagementNotConfiguredError} naming what was used.
 */
export function unconfiguredManagementClient(): ManagementClient {
  const target = Object.create(ManagementClient.prototype) as object;
  return new Proxy(target, {
    get(_target, property) {
      if (typeof property === 'symbol') {
        if (property === Symbol.for('nodejs.util.inspect.custom')) return () => 'ManagementClient { not configured }';
        return undefined;
      }
      // Discovery (@nestjs/graphql, @nestjs/websockets, event and schedule explorers) reads every
      // provider's `constructor` to look up metadata on it: an undefined one crashes their boot.
      if (property === 'constructor') return ManagementClient;
      if (PROBED.has(property)) return undefined;
      throw new AuthingManagementNotConfiguredError(property);
    },
  }) as ManagementClient;
}

/** False for the stand-in the module provides when no management credentials are configured. */
export function isManagementConfigured(client: ManagementClient): boolean {
  try {
    return typeof client.request === 'function';
  } catch {
    return false;
  }
}
