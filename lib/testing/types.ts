import type { LockoutOptions } from './lockout.js';

/**
 * Public types of the local Authing emulator: options, seed data and what the JS API exposes.
 */

/** How an application authenticates at the token endpoint (and at `/api/v3/signin`). */
export type EmulatorClientAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'none';

/** A user to create when the emulator starts. Passwords are stored hashed (scrypt), never logged. */
export interface EmulatorUserSeed {
  /** Fixed user id; random when omitted. */
  userId?: string;
  email?: string;
  username?: string;
  phone?: string;
  password: string;
  name?: string;
  nickname?: string;
  /** Role codes (default namespace) to assign; missing roles are created. */
  roles?: string[];
  /** Group codes to join; missing groups are created. */
  groups?: string[];
  customData?: Record<string, unknown>;
}

export interface EmulatorRoleSeed {
  code: string;
  name?: string;
  description?: string;
  /** Permission namespace; `default` when omitted. */
  namespace?: string;
}

export interface EmulatorGroupSeed {
  code: string;
  name?: string;
  description?: string;
}

/** An Authing application (an OIDC client). */
export interface EmulatorAppSeed {
  appId?: string;
  appSecret?: string;
  appName?: string;
  /** Allowed `redirect_uri` values of the hosted login. */
  redirectUris?: string[];
  /** Allowed `post_logout_redirect_uri` values of `/oidc/session/end`. */
  logoutRedirectUris?: string[];
  /** Default `client_secret_post`, like Authing and the official SDKs. */
  tokenEndpointAuthMethod?: EmulatorClientAuthMethod;
  /**
   * Browser origins allowed by CORS besides those of the redirect and logout redirect URIs (Authing's
   * "web origins"), e.g. `http://localhost:5173`.
   */
  webOrigins?: string[];
  /** OpenID Connect Back-Channel Logout: where logout tokens are POSTed when the user logs out. */
  backchannelLogoutUri?: string;
}

export interface EmulatorAccessKeySeed {
  accessKeyId?: string;
  accessKeySecret?: string;
}

/** Initial state. Everything is optional: ids and secrets are generated, a demo user is created. */
export interface EmulatorSeed {
  users?: EmulatorUserSeed[];
  roles?: EmulatorRoleSeed[];
  groups?: EmulatorGroupSeed[];
  /** The main application, exposed as `emulator.app`. */
  app?: EmulatorAppSeed;
  /** More applications (for example one per token endpoint authentication method). */
  apps?: EmulatorAppSeed[];
  /** The management API key pair (AK/SK), exposed as `emulator.accessKey`. */
  accessKey?: EmulatorAccessKeySeed;
  /** Authing tenants of the user pool (created after the users, so members can name them). */
  tenants?: EmulatorTenantSeed[];
}

/**
 * An Authing tenant. A hosted login naming it (`tenantId` authorize parameter) admits its members
 * only, and its tokens carry a `tenant_id` claim.
 */
export interface EmulatorTenantSeed {
  /** Fixed tenant id; random when omitted. */
  tenantId?: string;
  /** Display name. */
  name: string;
  /** Applications available in the tenant; empty (default): every application. */
  appIds?: string[];
  /** Members: user ids, emails, usernames or phones. */
  members?: string[];
  /**
   * The tenant's own roles (default namespace), by code, each with the accounts holding it: what a
   * ManagementClient created with this `tenantId` sees (`getUserRoles`, `isActionAllowed`...).
   */
  roles?: Record<string, string[]>;
}

/** Where the emulator writes its log lines. Request lines carry method, path, status and time only. */
export interface EmulatorLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface AuthingEmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /**
   * Origin the emulator advertises (issuer, redirects), when it is reached through another name than
   * `http://<host>:<port>`, e.g. behind a proxy. No trailing slash.
   */
  publicOrigin?: string;
  seed?: EmulatorSeed;
  /**
   * JSON file holding the state (users, roles, groups, resources, applications, keys). Loaded on start
   * when it exists (the seed is then ignored), rewritten atomically after every change.
   */
  dataFile?: string;
  /** Log sink; default: silent. */
  logger?: EmulatorLogger;
  /** Lifetime of access and id tokens in seconds; default 3600. */
  tokenTtlSeconds?: number;
  /** Lifetime of access tokens in seconds; default `tokenTtlSeconds`. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of id_tokens in seconds; default `tokenTtlSeconds`. */
  idTokenTtlSeconds?: number;
  /** Lifetime of refresh tokens in seconds; default 30 days. */
  refreshTokenTtlSeconds?: number;
  /**
   * Authing-like lockout: after `maxAttempts` failed passwords or passcodes within `windowSeconds`,
   * the account is locked for `windowSeconds` (sign-in answers apiCode 2005, the hosted login page
   * says so). Default `{ maxAttempts: 5, windowSeconds: 300 }`; `false` disables it.
   */
  lockout?: LockoutOptions | false;
  /** How far the `date` header of a signed management request may be from the server clock; default 900 s. */
  signatureWindowSeconds?: number;
}

/** An application as the emulator exposes it. */
export interface EmulatorApp {
  appId: string;
  appSecret: string;
  appName: string;
  redirectUris: string[];
  logoutRedirectUris: string[];
  tokenEndpointAuthMethod: EmulatorClientAuthMethod;
  /** Extra CORS origins, when configured. */
  webOrigins?: string[];
  /** Back-channel logout URI, when configured (see `backchannel-logout.ts`). */
  backchannelLogoutUri?: string;
}

export interface EmulatorAccessKey {
  accessKeyId: string;
  accessKeySecret: string;
}

/** A user as the management API returns it (Authing's `UserDto`), without any password material. */
export interface EmulatorUser {
  userId: string;
  createdAt: string;
  updatedAt: string;
  status: string;
  email?: string;
  phone?: string;
  username?: string;
  name?: string;
  nickname?: string;
  [field: string]: unknown;
}

/** What `/api/v3/signin` answers in `data`, also returned by {@link AuthingEmulator.issueTokens}. */
export interface EmulatorTokenSet {
  access_token: string;
  id_token: string;
  refresh_token?: string;
  token_type: 'Bearer';
  expire_in: number;
  scope: string;
}

export interface IssueTokensOptions {
  /** User id, email, username or phone. */
  user: string;
  /** Audience; default the main application. */
  appId?: string;
  /**
   * Default `openid profile`; `offline_access` adds a refresh token usable at `/oidc/token`. Scopes the
   * emulator does not know (anything but the standard OIDC ones, `username`, `roles`, `external_id`
   * and `offline_access`) are dropped, as `/api/v3/signin` and the hosted login drop them.
   */
  scope?: string;
  /** Lifetime in seconds; a negative value gives an already expired token. */
  expiresIn?: number;
  /** Put into the id_token. */
  nonce?: string;
  /**
   * An Authing tenant the user signs in to: the user must be a member (and the app available in it);
   * both tokens then carry it as `tenant_id`, as after a hosted login naming it.
   */
  tenantId?: string;
}
