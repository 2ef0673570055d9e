import type { AuthingModuleOptions, AuthingTenantOptions } from '../lib/index.js';

/** The Authing settings the sample reads, from the environment or from the embedded emulator. */
export interface SampleAuthingConfig {
  appId: string;
  appSecret: string;
  appHost: string;
  redirectUri: string;
  logoutRedirectUri: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  host?: string;
  /** The console's id_token signing algorithm, when it is HS256. */
  idTokenSigningAlg?: 'RS256' | 'HS256';
  /** Scope asked at login (AUTHING_SCOPE); add `offline_access` to keep sessions past the access token. */
  scope?: string;
  /** The tenants under `/t/<name>` (set up on the embedded emulator; see tenants.ts). */
  tenants?: AuthingTenantOptions[];
}

/** True when the environment names a real Authing application (AUTHING_APP_ID is set). */
export function hasAuthingEnv(env: NodeJS.ProcessEnv): boolean {
  return typeof env.AUTHING_APP_ID === 'string' && env.AUTHING_APP_ID !== '';
}

/** Reads the AUTHING_* variables; the required ones must be present. */
export function configFromEnv(env: NodeJS.ProcessEnv, origin: string): SampleAuthingConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (!value)
      throw new Error(`The sample needs ${name} when AUTHING_APP_ID is set (see the README's NestJS section)`);
    return value;
  };
  return {
    appId: required('AUTHING_APP_ID'),
    appSecret: required('AUTHING_APP_SECRET'),
    appHost: required('AUTHING_APP_HOST'),
    redirectUri: env.AUTHING_REDIRECT_URI || `${origin}/callback`,
    logoutRedirectUri: env.AUTHING_LOGOUT_REDIRECT_URI || `${origin}/`,
    accessKeyId: env.AUTHING_ACCESS_KEY_ID || undefined,
    accessKeySecret: env.AUTHING_ACCESS_KEY_SECRET || undefined,
    host: env.AUTHING_HOST || undefined,
    idTokenSigningAlg: env.AUTHING_ID_TOKEN_SIGNING_ALG === 'HS256' ? 'HS256' : undefined,
    scope: env.AUTHING_SCOPE || undefined,
  };
}

/** The module options the sample derives from its config (what an application would write). */
export function moduleOptions(config: SampleAuthingConfig): AuthingModuleOptions {
  const { tenants, ...app } = config;
  return {
    ...app,
    // The module's default source: Authing's own roles through the ManagementClient when the
    // management credentials are set, else the id_token's `roles` claim (the `roles` scope).
    roles: { cacheTtl: 30_000 },
    loginFailureRedirect: '/?login=failed',
    // Requests under /t/<tenant> are the tenant's (its own application and Authing tenant); the rest
    // are the module's own application's.
    ...(tenants?.length ? { tenancy: { resolve: { by: 'path' }, tenants } } : {}),
  };
}
