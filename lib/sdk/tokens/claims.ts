/** Claims of a verified token; Authing adds its own next to the registered ones. */
export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nbf?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** Claims of a verified id_token. */
export interface IdTokenClaims extends TokenClaims {
  nonce?: string;
  /** Authorized party: the client the id_token was issued to, when it differs or `aud` has several entries. */
  azp?: string;
  auth_time?: number;
  at_hash?: string;
  name?: string | null;
  nickname?: string | null;
  email?: string | null;
  email_verified?: boolean;
  phone_number?: string | null;
  picture?: string | null;
  preferred_username?: string | null;
}

/** Claims of a verified access token. */
export interface AccessTokenClaims extends TokenClaims {
  scope?: string;
  client_id?: string;
  azp?: string;
  /** Role codes, when the identity server puts them in the token. */
  roles?: string[];
}

/** A JSON Web Key Set, as served at `<appHost>/oidc/.well-known/jwks.json`. */
export interface JsonWebKeySet {
  keys: JsonWebKeyEntry[];
}

export interface JsonWebKeyEntry {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  [member: string]: unknown;
}
