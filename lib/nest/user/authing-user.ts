/**
 * The signed-in user as guards attach it to the request and `@CurrentUser()` hands it out.
 *
 * Immutable (frozen). `accessToken` and `idToken` are readable, but kept in private fields behind
 * getters: `JSON.stringify(user)`, a controller returning the user, and `util.inspect(user)` (even
 * with `showHidden`) leave them out, so tokens do not leak into responses or logs by accident.
 */
export interface AuthingUser {
  /** The user id (`sub` claim). */
  sub: string;
  /**
   * The `email` claim, or null when the credential carries none: a session's id_token has it (scope
   * `email`), Authing's access tokens do not (bearer). The same fields exist either way.
   */
  email: string | null;
  /** `name`, else `nickname`, `preferred_username` or `username`; null when the credential has none. */
  name: string | null;
  /**
   * Role codes of the credential's own `roles` claim (a session's id_token with the `roles` scope),
   * or null when it has none. `@Roles()` reads the configured source: see `AuthingRolesService.rolesOf`.
   */
  roles: string[] | null;
  /** The verified claims: the access token's (bearer) or the id_token's, plus userinfo (session). */
  claims: Readonly<Record<string, unknown>>;
  /** How the request was authenticated. */
  via: 'bearer' | 'session';
  /** The user's access token (a getter over a private field). */
  readonly accessToken?: string;
  /** The id_token of the login (session only; a getter over a private field). */
  readonly idToken?: string;
}

/** Builds an {@link AuthingUser} from verified claims. */
export function createAuthingUser(input: {
  claims: Record<string, unknown>;
  via: 'bearer' | 'session';
  accessToken?: string;
  idToken?: string;
  roles?: unknown;
}): AuthingUser {
  const { claims } = input;
  const roles = roleCodes(input.roles ?? claims.roles);
  // Every field is present whatever the credential (null when it does not say), so a bearer user and
  // a session user serialise to the same shape.
  const user = new UserWithTokens(
    {
      sub: String(claims.sub),
      email: firstString(claims.email) ?? null,
      name: firstString(claims.name, claims.nickname, claims.preferred_username, claims.username) ?? null,
      roles: roles ?? null,
      claims: Object.freeze({ ...claims }),
      via: input.via,
    },
    input,
  );
  // Frozen: one user object may serve every request that carries the same token.
  if (user.roles) Object.freeze(user.roles);
  return Object.freeze(user);
}

/** Role codes out of a `roles` claim: strings, or objects with a `code` (as Authing's role lists). */
export function roleCodes(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return typeof value === 'string' && value !== '' ? value.split(/[\s,]+/) : undefined;
  const codes: string[] = [];
  for (const item of value) {
    if (typeof item === 'string' && item !== '') codes.push(item);
    else if (typeof item === 'object' && item !== null && typeof (item as { code?: unknown }).code === 'string') {
      codes.push((item as { code: string }).code);
    }
  }
  return codes;
}

/** The user's data as own properties; the tokens in private fields, out of every rendering. */
class UserWithTokens implements AuthingUser {
  readonly sub: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly roles: string[] | null;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly via: 'bearer' | 'session';
  readonly #accessToken: string | undefined;
  readonly #idToken: string | undefined;

  constructor(data: Omit<AuthingUser, 'accessToken' | 'idToken'>, tokens: { accessToken?: string; idToken?: string }) {
    this.sub = data.sub;
    this.email = data.email;
    this.name = data.name;
    this.roles = data.roles;
    this.claims = data.claims;
    this.via = data.via;
    this.#accessToken = tokens.accessToken;
    this.#idToken = tokens.idToken;
  }

  get accessToken(): string | undefined {
    return this.#accessToken;
  }

  get idToken(): string | undefined {
    return this.#idToken;
  }

  /** `showHidden` lists prototype getters and `getters: true` would call them: render the data only. */
  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ): string {
    return `AuthingUser ${inspect({ ...this }, options)}`;
  }
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}
