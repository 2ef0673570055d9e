/**
 * The hosted login's optional peer dependencies, loaded on first use: an application that only
 * checks bearer tokens never imports them and need not install them.
 */

/**
 * A part of the module was used whose optional peer dependencies are not installed. `packages` lists
 * the missing ones; the message says how to install them.
 */
export class AuthingOptionalDependencyError extends Error {
  constructor(
    /** What needed them, e.g. `the hosted login (AuthingLoginGuard)`. */
    readonly feature: string,
    /** The missing npm packages. */
    readonly packages: readonly string[],
  ) {
    super(
      `${feature} needs the optional peer dependenc${packages.length > 1 ? 'ies' : 'y'} ` +
        `${packages.join(', ')}, not installed: npm install ${packages.join(' ')}`,
    );
    this.name = 'AuthingOptionalDependencyError';
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

/** What the module uses of passport. */
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
    const [passport, oidc] = await Promise.allSettled([importPeer('passport'), importPeer('passport-openidconnect')]);
    const missing = [passport, oidc].flatMap((r) =>
      r.status === 'rejected' && r.reason instanceof Missing ? [r.reason.pkg] : [],
    );
    if (missing.length > 0) throw new AuthingOptionalDependencyError('The hosted login (AuthingLoginGuard)', missing);
    for (const result of [passport, oidc]) if (result.status === 'rejected') throw result.reason;
    const passportModule = (passport as PromiseFulfilledResult<{ default?: PassportLike }>).value;
    const oidcModule = (oidc as PromiseFulfilledResult<{ default?: OidcStrategyConstructor }>).value;
    return {
      passport: passportModule.default ?? (passportModule as unknown as PassportLike),
      OpenIDConnectStrategy: oidcModule.default ?? (oidcModule as unknown as OidcStrategyConstructor),
    };
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

async function importPeer(pkg: string): Promise<Record<string, unknown>> {
  try {
    // A variable specifier: bundlers and TypeScript leave it alone, so nothing resolves it ahead of use.
    const specifier = pkg;
    return (await import(specifier)) as Record<string, unknown>;
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
