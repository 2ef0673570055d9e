import { ApiError, API_CODES, invalidArgument, notFound } from '../http.js';
import { newId, now, validateProfile } from '../store.js';
import type { Row } from '../store/collections.js';
import { optionalObject, requireString } from '../validate.js';
import type { EndUserContext } from './context.js';
import { briefUserInfo } from './flows.js';

/**
 * Universal invitation links: a member makes one when the administrator enabled member invitations
 * (`updateUniversalInvitation({ enabledMemberInvitation: true })`), invitees read its public config
 * and sign up through it with a code sent to their email; the member can revoke all their links.
 */
export function registerInvitationRoutes(ctx: EndUserContext): void {
  const { store, route, currentUser, consumeCode } = ctx;
  const links = store.collections.of('invitationLinks');
  const link = (identifier: string): Row => {
    const row = links.get(identifier);
    if (!row) throw notFound(`Invitation ${identifier} does not exist or was revoked`);
    return row;
  };

  route('POST', 'generate-universal-invitation-link-by-member', async (_args, headers) => {
    const user = await currentUser(headers);
    const settings = store.collections.of('settings').get('universalInvitation') ?? {};
    if (settings.enabledMemberInvitation !== true) {
      throw new ApiError(403, API_CODES.INVALID_ARGUMENT, 'Member invitations are disabled in this user pool');
    }
    const identifier = newId();
    links.set(identifier, { identifier, inviterId: user.userId, createdAt: now() });
    store.changed();
    const host = typeof headers.host === 'string' ? headers.host : 'localhost';
    return { link: `http://${host}/invitation?identifier=${identifier}` };
  });
  route('POST', 'clear-my-all-invitation-links', async (_args, headers) => {
    const user = await currentUser(headers);
    for (const [id, row] of links) if (row.inviterId === user.userId) links.delete(id);
    store.changed();
    return { success: true };
  });
  route('GET', 'get-universal-invitation-public-config', (args) => {
    const row = link(requireString(args, 'identifier'));
    const inviter = store.users.get(String(row.inviterId));
    return {
      userPool: { name: 'Authing emulator', logo: '', description: '' },
      ...(inviter ? { inviter: { displayName: briefUserInfo(inviter).displayName } } : {}),
    };
  });
  route('POST', 'signup-by-invitation', (args) => {
    link(requireString(args, 'identifier'));
    const profile = optionalObject(args, 'profile') ?? {};
    const email = requireString(profile, 'email');
    if (!email.includes('@')) throw invalidArgument('Field profile.email is not a valid email address');
    consumeCode(email, requireString(args, 'emailCode'));
    const name = typeof profile.name === 'string' ? profile.name : undefined;
    store.createUser(validateProfile({ email, name, emailVerified: true }), { source: 'register' });
    return { status: 'PASSED' };
  });
}
