import type { PreparedCall } from '../catalogue/endpoint.js';
import { AuthingArgumentError } from '../errors.js';
import type { ClientCore } from './client-core.js';
import type { SignInOptions, SignInRequest, SignUpRequest } from './end-user-api-types.js';

/** The optional parts of a sign-up request, after the credentials. */
export interface SignUpExtras {
  profile?: SignUpRequest['profile'];
  options?: SignUpRequest['options'];
}

/** The credentials of a phone pass-code sign-in or sign-up. */
export interface PhonePassCode {
  phone: string;
  passCode: string;
  phoneCountryCode?: string;
}

/**
 * The named credentials of a request, in the order given (the official SDK's order, which the body
 * keeps); a missing request reads as missing fields, so the check names the first one.
 */
export function pick(request: object | undefined, ...keys: string[]): Record<string, string | undefined> {
  const payload: Record<string, string | undefined> = {};
  for (const key of keys) payload[key] = (request as Record<string, string | undefined> | undefined)?.[key];
  return payload;
}

type PayloadKey = 'passwordPayload' | 'passCodePayload' | 'adPayload' | 'ldapPayload';

/**
 * The `POST /api/v3/signin` request for one connection. The application authenticates itself in
 * the body for `client_secret_post` (the client adds Basic authentication for `client_secret_basic`).
 */
export function signInCall(
  core: ClientCore,
  connection: SignInRequest['connection'],
  payloadKey: PayloadKey,
  payload: Record<string, string | undefined>,
  options: SignInOptions | undefined,
): PreparedCall {
  checkPayload(payload, payloadKey);
  const body: Record<string, unknown> = { connection, [payloadKey]: payload, options };
  if (core.tokenAuth === 'client_secret_post') {
    body.client_id = core.appId;
    body.client_secret = core.appSecret;
  }
  return { method: 'POST', path: '/api/v3/signin', body };
}

/** The `POST /api/v3/signup` request for one connection. */
export function signUpCall(
  connection: SignUpRequest['connection'],
  payloadKey: 'passwordPayload' | 'passCodePayload',
  payload: Record<string, string | undefined>,
  extras: SignUpExtras | undefined,
): PreparedCall {
  checkPayload(payload, payloadKey);
  return {
    method: 'POST',
    path: '/api/v3/signup',
    body: { connection, [payloadKey]: payload, profile: extras?.profile, options: extras?.options },
  };
}

/** Every credential must be a non-empty string; only a pass code's `phoneCountryCode` may be left out. */
function checkPayload(payload: Record<string, string | undefined>, payloadKey: PayloadKey): void {
  for (const [key, value] of Object.entries(payload)) {
    if (payloadKey === 'passCodePayload' && key === 'phoneCountryCode' && value === undefined) continue;
    if (typeof value !== 'string' || value === '') {
      throw new AuthingArgumentError(key, 'is required and must be a non-empty string');
    }
  }
}
