import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AuthenticationClient } from '../../sdk/index.js';
import { AUTHING_RESOLVED_OPTIONS, AUTHING_ROOT_CLIENT, AUTHING_STRATEGY } from '../constants.js';
import { AuthingConfigurationError } from '../options/option-checks.js';
import type { ResolvedAuthingOptions } from '../options/resolved-options.js';
import { checkHostedLoginOptions } from '../options/validate-options.js';
import {
  AuthingOptionalDependencyError,
  loadHostedLoginDependencies,
  type OidcStrategyBase,
  type PassportLike,
} from './hosted-login-dependencies.js';
import { createOidcLoginStrategy } from './oidc-login-strategy.js';
import { createPassportLoginStrategy } from '../passport/passport-login-strategy.js';

/** The hosted login's passport strategy and the passport instance it is registered with. */
export interface AuthingPassportStrategy {
  passport: PassportLike;
  /**
   * The passport-openidconnect strategy. What passport knows as `authing` (for `AuthGuard('authing')`)
   * wraps it so that it also starts the session, as AuthingLoginGuard does.
   */
  strategy: OidcStrategyBase;
}

/**
 * The hosted-login strategy (passport-openidconnect), built on first use so that passport and
 * passport-openidconnect stay optional: an application that only checks bearer tokens never loads
 * them. When `redirectUri` is configured and the packages are installed, it is built at start-up, so
 * `passport.authenticate('authing')` works from the first request.
 */
@Injectable()
export class AuthingStrategy implements OnModuleInit {
  #loaded: Promise<AuthingPassportStrategy> | undefined;

  constructor(
    @Inject(AUTHING_RESOLVED_OPTIONS) private readonly options: ResolvedAuthingOptions,
    @Inject(AUTHING_ROOT_CLIENT) private readonly root: AuthenticationClient,
  ) {}

  /**
   * The strategy, built once. Throws `AuthingConfigurationError` without `redirectUri` (or without
   * `appSecret` unless `tokenEndPointAuthMethod` is `'none'`), and
   * {@link AuthingOptionalDependencyError} when passport or passport-openidconnect is not installed.
   */
  load(): Promise<AuthingPassportStrategy> {
    if (!this.#loaded) {
      const loading = this.#build();
      this.#loaded = loading;
      // A failure is not remembered: installing the packages and retrying (a dev server) works.
      loading.catch(() => {
        if (this.#loaded === loading) this.#loaded = undefined;
      });
    }
    return this.#loaded;
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.redirectUri) return;
    // Only a head start: an app may set redirectUri for its own code exchange without the guard (and
    // without passport or the secret); the guard reports what is missing when it is used.
    await this.load().catch((error: unknown) => {
      if (!(error instanceof AuthingOptionalDependencyError) && !(error instanceof AuthingConfigurationError))
        throw error;
    });
  }

  async #build(): Promise<AuthingPassportStrategy> {
    const redirectUri = checkHostedLoginOptions(this.options);
    const deps = await loadHostedLoginDependencies();
    const strategy = createOidcLoginStrategy(deps, this.options, this.root, redirectUri);
    // A tenant's strategy (the `tenancy` option) must not take the module's own `authing` name.
    const tenant = this.options.tenant;
    deps.passport.use(
      tenant ? `${AUTHING_STRATEGY}:${tenant.name}` : AUTHING_STRATEGY,
      createPassportLoginStrategy(strategy, this.options),
    );
    return { passport: deps.passport, strategy };
  }
}
