import type { AuthingTenantOptions } from '../lib/index.js';
import type { AuthingEmulator } from '../lib/testing/index.js';

/** The sample's two tenants, each under `/t/<name>` with its own Authing application and tenant. */
export const SAMPLE_TENANTS = [
  { name: 'acme', label: 'Acme Corp', appId: 'sample-acme', tenantId: 'tenant-acme' },
  { name: 'globex', label: 'Globex', appId: 'sample-globex', tenantId: 'tenant-globex' },
] as const;

export type SampleTenantName = (typeof SAMPLE_TENANTS)[number]['name'];

/**
 * Registers the tenants on the emulator (an application and an Authing tenant each, `members` as
 * its members, `admins` holding the tenant's own `admin` role) and returns the module's
 * `tenancy.tenants`. Idempotent: a second sample copy on the same emulator adds its redirect URIs only.
 */
export function sampleTenants(
  emulator: AuthingEmulator,
  publicUrl: string,
  members: string[],
  admins: string[] = [],
): AuthingTenantOptions[] {
  return SAMPLE_TENANTS.map((tenant) => {
    const callback = `${publicUrl}/t/${tenant.name}/callback`;
    const home = `${publicUrl}/t/${tenant.name}`;
    const existing = emulator.apps.find((app) => app.appId === tenant.appId);
    const app = existing
      ? emulator.updateApp(tenant.appId, {
          redirectUris: [...new Set([...existing.redirectUris, callback])],
          logoutRedirectUris: [...new Set([...existing.logoutRedirectUris, home])],
        })
      : emulator.addApp({
          appId: tenant.appId,
          appName: tenant.label,
          redirectUris: [callback],
          logoutRedirectUris: [home],
        });
    if (!existing) {
      // Roles are the tenant's own: the tenant's ManagementClient (its tenantId) answers @Roles there.
      emulator.addTenant({ tenantId: tenant.tenantId, name: tenant.label, members, roles: { admin: admins } });
    }
    return {
      name: tenant.name,
      appId: app.appId,
      appSecret: app.appSecret,
      tenantId: tenant.tenantId,
      redirectUri: callback,
      logoutRedirectUri: home,
      defaultReturnTo: `/t/${tenant.name}`,
      loginFailureRedirect: `/t/${tenant.name}?login=failed`,
    };
  });
}
