/**
 * Metadata keys and injection tokens of the Nest layer. Every key is namespaced with `authing:` so it
 * cannot collide with an application's own `'roles'` or `'public'` metadata.
 */
export const PUBLIC_KEY = 'authing:public';
export const OPTIONAL_AUTH_KEY = 'authing:optional';
export const ROLES_KEY = 'authing:roles';
export const PERMISSIONS_KEY = 'authing:permissions';

/** Name the hosted-login strategy is registered under with passport. */
export const AUTHING_STRATEGY = 'authing';

/**
 * Injection token of the validated, defaulted options ({@link ResolvedAuthingOptions}); the options
 * as passed to `forRoot` are `AUTHING_RAW_OPTIONS`.
 */
export const AUTHING_RESOLVED_OPTIONS = Symbol.for('nestjs-authing:resolved-options');

/** @deprecated Use {@link AUTHING_RESOLVED_OPTIONS}: the same token, named for what it holds. */
export const AUTHING_OPTIONS = AUTHING_RESOLVED_OPTIONS;

/** Injection token of the shared root {@link (AuthenticationClient:class)} (no end-user token). */
export const AUTHING_ROOT_CLIENT = Symbol.for('nestjs-authing:root-client');
