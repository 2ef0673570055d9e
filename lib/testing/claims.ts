import { DEFAULT_NAMESPACE, type Store, type UserRecord } from './store.js';

/** The claims each scope releases, in the id_token and at `/oidc/me` (Authing's scope table). */
export const SCOPE_CLAIMS: Record<string, string[]> = {
  openid: ['sub'],
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
  username: ['username'],
  roles: ['roles'],
  external_id: ['external_id'],
};

/** Every scope the emulator knows; others are dropped from hosted-login grants. */
export const KNOWN_SCOPES = [...Object.keys(SCOPE_CLAIMS), 'offline_access'];

/** All standard claims of a user; undefined values are left out. */
export function allClaims(user: UserRecord, store: Store): Record<string, unknown> {
  const p = user.profile;
  const address = compact({
    formatted: p.formatted ?? p.address,
    street_address: p.streetAddress,
    locality: p.locality ?? p.city,
    region: p.region ?? p.province,
    postal_code: p.postalCode,
    country: p.country,
  });
  return compact({
    sub: user.userId,
    name: p.name,
    family_name: p.familyName,
    given_name: p.givenName,
    middle_name: p.middleName,
    nickname: p.nickname,
    preferred_username: p.preferredUsername ?? p.username,
    profile: p.profile,
    picture: p.photo,
    website: p.website,
    gender: user.gender,
    birthdate: p.birthdate,
    zoneinfo: p.zoneinfo,
    locale: p.locale,
    updated_at: Math.floor(Date.parse(user.updatedAt) / 1000),
    email: p.email,
    email_verified: p.email ? user.emailVerified : undefined,
    phone_number: p.phone,
    phone_number_verified: p.phone ? user.phoneVerified : undefined,
    address: Object.keys(address).length > 0 ? address : undefined,
    username: p.username,
    // Default-namespace roles as their codes; another namespace's as { code, namespace }, so that a
    // relying party can never take it for the default namespace's role of the same code.
    roles: store
      .rolesOfUser(user.userId)
      .map((r) => (r.namespace === DEFAULT_NAMESPACE ? r.code : { code: r.code, namespace: r.namespace })),
    external_id: p.externalId,
  });
}

/** The claims the given scopes release. */
export function claimsForScopes(user: UserRecord, store: Store, scopes: Iterable<string>): Record<string, unknown> {
  const all = allClaims(user, store);
  const out: Record<string, unknown> = { sub: user.userId };
  for (const scope of scopes) {
    for (const claim of SCOPE_CLAIMS[scope] ?? []) if (all[claim] !== undefined) out[claim] = all[claim];
  }
  return out;
}

function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
