import type { OidcStorage } from './oidc-adapter.js';
import type { EmulatorApp } from './types.js';

/**
 * OpenID Connect Back-Channel Logout 1.0 for the emulator's applications. oidc-provider does the work
 * (its `backchannelLogout` feature signs a logout token and POSTs it when the user logs out at
 * `/oidc/session/end`); an application opts in with `backchannelLogoutUri`, e.g.
 * `emulator.updateApp(appId, { backchannelLogoutUri: 'http://127.0.0.1:3000/backchannel-logout' })`.
 * Its id_tokens then carry `sid`, which the logout token names.
 */
export function backchannelLogoutMetadata(app: Pick<EmulatorApp, 'backchannelLogoutUri'>): Record<string, unknown> {
  if (typeof app.backchannelLogoutUri !== 'string' || app.backchannelLogoutUri === '') return {};
  return { backchannel_logout_uri: app.backchannelLogoutUri, backchannel_logout_session_required: true };
}

/** Reports a logout token the application refused or could not receive (the logout itself goes on). */
export function watchBackchannelLogout(
  provider: { on(event: string, listener: (...args: unknown[]) => void): unknown },
  logger: { warn?(message: string): void; error(message: string): void } | undefined,
): void {
  provider.on('backchannel.error', (_ctx, error, client) => {
    const clientId = (client as { clientId?: string } | undefined)?.clientId ?? '?';
    const message = `back-channel logout to application ${clientId} failed: ${(error as Error)?.message ?? String(error)}`;
    if (process.env.DEBUG_BCL) console.error(message);
    (logger?.warn ?? logger?.error)?.call(logger, message);
  });
}

/**
 * oidc-provider's outgoing requests (logout tokens) refuse special-use addresses, loopback included,
 * against SSRF. The emulator's applications run on this machine, so a loopback URL is allowed; other
 * addresses keep the protection.
 */
export function emulatorFetch(url: string | URL, options: RequestInit & { dispatcher?: unknown }): Promise<Response> {
  const host = new URL(url).hostname;
  const loopback = host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  if (!loopback) return globalThis.fetch(url, options);
  const { dispatcher: _ssrfGuard, ...rest } = options;
  return globalThis.fetch(url, rest);
}

/** What {@link logoutKickedUser} uses of oidc-provider. */
export interface BackchannelProvider {
  Client: { find(clientId: string): Promise<BackchannelClient | undefined> };
  emit(event: string, ...args: unknown[]): unknown;
}

interface BackchannelClient {
  clientId: string;
  backchannelLogoutUri?: string;
  backchannelLogout(sub: string, sid: string): Promise<unknown>;
}

/**
 * A kicked user's hosted-login sessions end: each application the session logged into that has a
 * back-channel logout URI gets a logout token (`sub` and that application's `sid`), as oidc-provider
 * sends them at `/oidc/session/end`; then the session is removed, so the next login asks again.
 */
export async function logoutKickedUser(
  provider: BackchannelProvider,
  storage: OidcStorage,
  accountId: string,
): Promise<void> {
  const deliveries: Promise<void>[] = [];
  for (const { id, payload } of storage.sessionsOf(accountId)) {
    const authorizations = (payload.authorizations ?? {}) as Record<string, { sid?: string }>;
    for (const [clientId, authorization] of Object.entries(authorizations)) {
      const client = await provider.Client.find(clientId);
      if (!client?.backchannelLogoutUri || typeof authorization?.sid !== 'string') continue;
      deliveries.push(
        client.backchannelLogout(accountId, authorization.sid).then(
          () => void provider.emit('backchannel.success', undefined, client, accountId, authorization.sid),
          (error: unknown) =>
            void provider.emit('backchannel.error', undefined, error, client, accountId, authorization.sid),
        ),
      );
    }
    storage.delete(`Session:${id}`);
  }
  await Promise.all(deliveries);
}
