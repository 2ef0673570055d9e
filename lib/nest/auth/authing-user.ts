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
  email?: string;
  name?: string;
  /** Role codes from the token's `roles` claim; `@Roles()` may also look them up through Authing. */
  roles?: string[];
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
  const user: AuthingUser = new UserWithTokens(String(claims.sub), Object.freeze({ ...claims }), input.via, input);
  const email = firstString(claims.email);
  if (email) user.email = email;
  const name = firstString(claims.name, claims.nickname, claims.preferred_username, claims.username);
  if (name) user.name = name;
  const roles = roleCodes(input.roles ?? claims.roles);
  if (roles) user.roles = roles;
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
  // Declared only: set by createAuthingUser when present, so absent ones are not own properties.
  declare email?: string;
  declare name?: string;
  declare roles?: string[];
  readonly #accessToken: string | undefined;
  readonly #idToken: string | undefined;

  constructor(
    readonly sub: string,
    readonly claims: Readonly<Record<string, unknown>>,
    readonly via: 'bearer' | 'session',
    tokens: { accessToken?: string; idToken?: string },
  ) {
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
