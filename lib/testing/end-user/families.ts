import { registerAccountRoutes } from './account.js';
import { registerApprovalRoutes } from './approvals.js';
import type { EndUserContext } from './context.js';
import { registerDeviceRoutes } from './devices.js';
import { registerIdentityBindingRoutes } from './identity-binding.js';
import { registerInvitationRoutes } from './invitations.js';
import { registerMfaRoutes } from './mfa.js';
import { registerMyDataRoutes } from './my-data.js';
import { registerPreCheckRoutes } from './pre-check.js';
import { registerPushRoutes } from './push-login.js';
import { registerQrCodeRoutes } from './qrcode-login.js';
import { registerWebAuthnRoutes } from './webauthn.js';

/** Every family of the end-user API, each in its own module registering its routes. */
export const END_USER_FAMILIES: readonly ((ctx: EndUserContext) => void)[] = [
  registerAccountRoutes,
  registerMyDataRoutes,
  registerMfaRoutes,
  registerDeviceRoutes,
  registerQrCodeRoutes,
  registerPushRoutes,
  registerPreCheckRoutes,
  registerApprovalRoutes,
  registerInvitationRoutes,
  registerIdentityBindingRoutes,
  registerWebAuthnRoutes,
];
