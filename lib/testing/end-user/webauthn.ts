import type { IncomingHttpHeaders } from 'node:http';
import { randomBytes, type JsonWebKey } from 'node:crypto';
import { ApiError, API_CODES, invalidArgument, notFound } from '../http.js';
import { now, type UserRecord } from '../store.js';
import type { Row } from '../store/collections.js';
import {
  attestedData,
  checkClientData,
  parseAuthenticatorData,
  rpIdHash,
  verifyAssertion,
} from '../api/webauthn-verify.js';
import * as validation from '../validate.js';
import type { EndUserContext } from './context.js';
import { appFromHeader, FlowTable, newFlowId } from './flows.js';

const CEREMONY_TTL_MS = 5 * 60 * 1000;
const AUTHENTICATOR_CODES = ['fingerprint', 'face', 'other'];

interface Ceremony {
  kind: 'register' | 'login';
  challenge: string;
  rpId: string;
  /** The signed-in user of a registration, or the only user an MFA verification accepts. */
  userId?: string;
  expiresAt: number;
}

const rpIdOf = (headers: IncomingHttpHeaders): string =>
  new URL(`http://${typeof headers.host === 'string' ? headers.host : 'localhost'}`).hostname;
const b64 = (args: validation.Args, field: string, label = field): Buffer => {
  const value = validation.requireString(args, field);
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(value)) throw invalidArgument(`Field ${label} must be base64url`);
  return Buffer.from(value, 'base64url');
};

/**
 * WebAuthn (passkeys) with real verification: registration accepts `none` attestations of ES256
 * credentials whose client data carries the issued challenge and an origin on the emulator's host;
 * sign-in checks the assertion signature with the stored public key and the signature counter.
 * Credentials are listed and removed per user.
 */
export function registerWebAuthnRoutes(ctx: EndUserContext): void {
  const { store, route, currentUser, signIn } = ctx;
  const credentials = store.collections.of('webauthnCredentials');
  const ceremonies = new FlowTable<Ceremony>('WebAuthn ticket');
  const mine = (userId: string): Row[] => [...credentials.values()].filter((c) => c.userId === userId);
  const dto = (c: Row): Row => ({
    credentialId: c.credentialId,
    name: c.name,
    authenticatorCode: c.authenticatorCode,
    createdAt: c.createdAt,
    ...(c.lastUsedAt ? { lastUsedAt: c.lastUsedAt } : {}),
  });
  const descriptor = (c: Row): Row => ({ id: c.credentialId, type: 'public-key', transports: [] });
  const start = (kind: Ceremony['kind'], headers: IncomingHttpHeaders, userId?: string): [string, Ceremony] => {
    const ceremony = {
      kind,
      challenge: randomBytes(32).toString('base64url'),
      rpId: rpIdOf(headers),
      userId,
      expiresAt: Date.now() + CEREMONY_TTL_MS,
    };
    const ticket = newFlowId();
    ceremonies.add(ticket, ceremony);
    return [ticket, ceremony];
  };
  const take = (args: validation.Args, kind: Ceremony['kind']): Ceremony => {
    const ticket = validation.requireString(args, 'ticket');
    const ceremony = ceremonies.require(ticket);
    ceremonies.delete(ticket);
    if (ceremony.kind !== kind || ceremony.expiresAt < Date.now()) {
      throw invalidArgument(
        `Field ticket is not an unexpired ${kind === 'register' ? 'registration' : 'sign-in'} ticket`,
      );
    }
    return ceremony;
  };

  const registrationOptions = async (_args: validation.Args, headers: IncomingHttpHeaders) => {
    const user = await currentUser(headers);
    const [ticket, ceremony] = start('register', headers, user.userId);
    const p = user.profile;
    const name = p.username ?? p.email ?? p.phone ?? user.userId;
    return {
      ticket,
      registrationOptions: {
        challenge: ceremony.challenge,
        excludeCredentials: mine(user.userId).map(descriptor),
        pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
        rp: { id: ceremony.rpId, name: 'Authing emulator' },
        timeout: CEREMONY_TTL_MS,
        user: { id: user.userId, name, displayName: p.nickname ?? p.name ?? name },
      },
    };
  };
  const authenticationOptions = (headers: IncomingHttpHeaders, user?: UserRecord) => {
    const [ticket, ceremony] = start('login', headers, user?.userId);
    return {
      ticket,
      authenticationOptions: {
        challenge: ceremony.challenge,
        rpId: ceremony.rpId,
        timeout: CEREMONY_TTL_MS,
        allowCredentials: user ? mine(user.userId).map(descriptor) : [],
      },
    };
  };

  route('GET', 'webauthn/registration', registrationOptions);
  route('POST', 'webauthn/registration/initialize', registrationOptions);
  route('POST', 'webauthn/mfa-bind/initialize', registrationOptions);
  route('GET', 'webauthn/authentication', (_args, headers) => authenticationOptions(headers));
  route('POST', 'webauthn/login/initialize', (_args, headers) => authenticationOptions(headers));
  route('POST', 'webauthn/mfa-verify/initialize', async (_args, headers) =>
    authenticationOptions(headers, await currentUser(headers)),
  );

  route('POST', 'webauthn/registration', async (args, headers) => {
    const user = await currentUser(headers);
    const ceremony = take(args, 'register');
    if (ceremony.userId !== user.userId) throw invalidArgument('Field ticket was issued to another user');
    const authenticatorCode = validation.optionalString(args, 'authenticatorCode')?.toLowerCase() ?? 'other';
    if (!AUTHENTICATOR_CODES.includes(authenticatorCode)) {
      throw invalidArgument(`Field authenticatorCode must be one of ${AUTHENTICATOR_CODES.join(', ')}`);
    }
    const credential = validation.requireObject(args, 'registrationCredential');
    const response = validation.requireObject(credential, 'response');
    let attested;
    try {
      checkClientData(b64(response, 'clientDataJSON'), 'webauthn.create', ceremony.challenge, ceremony.rpId);
      attested = attestedData(b64(response, 'attestationObject'));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw invalidArgument(`Field registrationCredential: ${(error as Error).message}`);
    }
    if (!attested.rpIdHash.equals(rpIdHash(ceremony.rpId)) || !attested.userPresent) {
      throw invalidArgument('Field registrationCredential: not made for this relying party, or without user presence');
    }
    const credentialId = attested.credentialId!.toString('base64url');
    if (credentials.has(credentialId))
      throw new ApiError(400, API_CODES.ALREADY_EXISTS, 'Credential already registered');
    credentials.set(credentialId, {
      credentialId,
      userId: user.userId,
      publicKey: attested.publicKey,
      signCount: attested.signCount,
      authenticatorCode,
      name: authenticatorCode,
      createdAt: now(),
    });
    store.changed();
    return { verified: true };
  });

  const verifyLogin = (field: string) => async (args: validation.Args, headers: IncomingHttpHeaders) => {
    const ceremony = take(args, 'login');
    const credential = validation.requireObject(args, field);
    const response = validation.requireObject(credential, 'response');
    const stored = credentials.get(validation.requireString(credential, 'id'));
    if (!stored || (ceremony.userId !== undefined && stored.userId !== ceremony.userId)) return { verified: false };
    const clientData = b64(response, 'clientDataJSON');
    const authData = b64(response, 'authenticatorData');
    const signature = b64(response, 'signature');
    let valid: boolean;
    let signCount = 0;
    try {
      checkClientData(clientData, 'webauthn.get', ceremony.challenge, ceremony.rpId);
      const parsed = parseAuthenticatorData(authData);
      signCount = parsed.signCount;
      const previous = Number(stored.signCount);
      const counterOk = (signCount === 0 && previous === 0) || signCount > previous;
      valid =
        parsed.rpIdHash.equals(rpIdHash(ceremony.rpId)) &&
        parsed.userPresent &&
        counterOk &&
        verifyAssertion(stored.publicKey as JsonWebKey, authData, clientData, signature);
    } catch {
      valid = false;
    }
    if (!valid) return { verified: false };
    const user = store.users.get(String(stored.userId));
    if (!user) throw new ApiError(400, API_CODES.USER_NOT_FOUND, 'User does not exist');
    stored.signCount = signCount;
    stored.lastUsedAt = now();
    store.changed();
    const scope = validation.optionalString(validation.optionalObject(args, 'options') ?? {}, 'scope');
    const tokenSet = await signIn(user, appFromHeader(store, headers), { scope, loginMethod: 'WEBAUTHN', headers });
    return { verified: true, tokenSet };
  };
  route('POST', 'webauthn/authentication', verifyLogin('authenticationCredential'));
  route('POST', 'webauthn/login/finalize', verifyLogin('credential'));

  const list = async (args: validation.Args, headers: IncomingHttpHeaders) => {
    const user = await currentUser(headers);
    const { page, limit } = validation.pagination(args);
    return validation.paginate(mine(user.userId).map(dto), page, limit);
  };
  route('GET', 'webauthn/credentials', list);
  route('GET', 'webauthn/person/credentials', list);
  route('POST', 'webauthn/page-authenticator-device', list);
  route('POST', 'webauthn/check-valid-credentials-by-credIds', async (args, headers) => {
    const user = await currentUser(headers);
    const own = new Set(mine(user.userId).map((c) => c.credentialId));
    return validation.requireStringArray(args, 'credIds').filter((id) => own.has(id));
  });
  const own = async (args: validation.Args, headers: IncomingHttpHeaders, field: string): Promise<Row> => {
    const user = await currentUser(headers);
    const id = validation.requireString(args, field);
    const credential = credentials.get(id);
    if (!credential || credential.userId !== user.userId) throw notFound(`Credential ${id} does not exist`);
    return credential;
  };
  route('PUT', 'webauthn/credentials/{credentialId}', async (args, headers) => {
    const credential = await own(args, headers, 'credentialId');
    credential.name = validation.requireString(args, 'name');
    store.changed();
    return dto(credential);
  });
  const remove = (field: string) => async (args: validation.Args, headers: IncomingHttpHeaders) => {
    credentials.delete(String((await own(args, headers, field)).credentialId));
    store.changed();
    return { success: true };
  };
  route('DELETE', 'webauthn/credentials/{credentialId}', remove('credentialId'));
  route('POST', 'webauthn/remove-credential/{credentialID}', remove('credentialID'));
  route('POST', 'webauthn/remove-credentials-by-authenticator-code', async (args, headers) => {
    const user = await currentUser(headers);
    const code = validation.requireString(args, 'authenticatorCode').toLowerCase();
    for (const c of mine(user.userId)) if (c.authenticatorCode === code) credentials.delete(String(c.credentialId));
    store.changed();
    return { success: true };
  });
}
