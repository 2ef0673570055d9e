/**
 * The hosted login's optional peer dependencies, loaded on first use: an application that only
 * checks bearer tokens never imports them and need not install them.
 */

import { AuthingError } from '../../sdk/index.js';

/**
 * A part of the module was used whose optional peer dependencies are not installed. `packages` lists
 * the missing ones; the message says how to install them.
 */
export class AuthingOptionalDependencyError extends AuthingError {
  declare readonly code: 'optional_dependency';
  constructor(
    /** What needed them, e.g. `the hosted login (AuthingLoginGuard)`. */
    readonly feature: string,
    /** The missing npm packages (the error's `reason` lists them, space-separated). */
    readonly packages: readonly string[],
  ) {
    super(
      'optional_dependency',
      packages.join(' '),
      `${feature} needs the optional peer dependenc${packages.length > 1 ? 'ies' : 'y'} ` +
        `${packages.join(', ')}, not installed: npm install ${packages.join(' ')}`,
    );
  }
}

/** The constructor of passport-openidconnect's strategy, as far as the module uses it. */
export type OidcStrategyConstructor = new (
  options: {
    issuer: string;
    authorizationURL: string;
    tokenURL: string;
    clientID: string;
    callbackURL: string;
  },
  verify: (...args: never[]) => void,
) => OidcStrategyBase;

/**
 * What the module uses of a passport-openidconnect strategy instance: passport attaches `redirect`,
 * `success` and `error` to the per-request object it authenticates with.
 */
export interface OidcStrategyBase {
  name: string;
  authenticate(req: unknown, options?: object): void;
  redirect(url: string): void;
  success(user: unknown, info?: unknown): void;
  error(error: unknown): void;
}

/** What the module uses of passport: the instance the hosted-login strategy is registered with. */
export interface PassportLike {
  use(name: string, strategy: unknown): unknown;
  authenticate(
    strategy: unknown,
    options: Record<string, unknown>,
    callback: (error: unknown, user: unknown, info: unknown) => void,
  ): (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
}

export interface HostedLoginDependencies {
  passport: PassportLike;
  OpenIDConnectStrategy: OidcStrategyConstructor;
}

let loading: Promise<HostedLoginDependencies> | undefined;

/** Imports passport and passport-openidconnect once; throws {@link AuthingOptionalDependencyError} naming the missing ones. */
export function loadHostedLoginDependencies(): Promise<HostedLoginDependencies> {
  if (loading) return loading;
  const attempt = (async () => {
    const [passport, oidc] = await Promise.allSettled([
      importPeer<PassportLike>('passport'),
      importPeer<OidcStrategyConstructor>('passport-openidconnect'),
    ]);
    const missing = [passport, oidc].flatMap((r) =>
      r.status === 'rejected' && r.reason instanceof Missing ? [r.reason.pkg] : [],
    );
    if (missing.length > 0) throw new AuthingOptionalDependencyError('The hosted login (AuthingLoginGuard)', missing);
    if (passport.status === 'rejected') throw passport.reason;
    if (oidc.status === 'rejected') throw oidc.reason;
    return { passport: passport.value, OpenIDConnectStrategy: oidc.value };
  })();
  loading = attempt;
  // A failure is not remembered: installing the package and retrying (in a dev server) works.
  attempt.catch(() => {
    if (loading === attempt) loading = undefined;
  });
  return attempt;
}

class Missing extends Error {
  constructor(readonly pkg: string) {
    super(`${pkg} is not installed`);
  }
}

/** A peer's main export: its `default` (CommonJS seen from ESM), else the module itself. */
async function importPeer<T>(pkg: string): Promise<T> {
  try {
    // A variable specifier: bundlers and TypeScript leave it alone, so nothing resolves it ahead of use.
    const specifier = pkg;
    const module: { default?: T } & T = await import(specifier);
    return module.default ?? module;
  } catch (error) {
    // Only this package missing, not one of its own imports (that is a broken install, reported as is).
    const code = (error as { code?: unknown })?.code;
    const message = (error as Error)?.message ?? '';
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      (message.includes(`'${pkg}'`) || message.includes(`"${pkg}"`))
    ) {
      throw new Missing(pkg);
    }
    throw error;
  }
}
