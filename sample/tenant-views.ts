import type { AuthingTenant, AuthingUser } from '../lib/index.js';
import { SAMPLE_TENANTS } from './tenants.js';
import { e, layout } from './views.js';

function label(tenant: AuthingTenant): string {
  return SAMPLE_TENANTS.find((t) => t.name === tenant.name)?.label ?? tenant.name;
}

/** A tenant's home: who is logged in on this tenant, and its login, API and admin links. */
export function tenantHomePage(tenant: AuthingTenant, user: AuthingUser | undefined): string {
  const base = `/t/${encodeURIComponent(tenant.name)}`;
  const others = SAMPLE_TENANTS.filter((t) => t.name !== tenant.name)
    .map((t) => `<a href="/t/${t.name}">${e(t.label)}</a>`)
    .join(', ');
  const who = user
    ? `<p id="tenant-user">Logged in to ${e(label(tenant))} as <strong>${e(user.email ?? user.sub)}</strong>.</p>
<form method="post" action="${base}/logout"><button id="tenant-logout" type="submit">Log out of ${e(label(tenant))}</button></form>`
    : `<p><a id="tenant-login" class="button" href="${base}/login">Log in to ${e(label(tenant))}</a></p>`;
  const body = `<h1 id="tenant-name">${e(label(tenant))}</h1>
<p>Tenant <code>${e(tenant.name)}</code>: Authing application <code>${e(tenant.appId)}</code>,
Authing tenant <code>${e(tenant.tenantId ?? '-')}</code>. Its tokens and sessions are refused by the other tenants (${others}).</p>
${who}
<ul><li><a href="${base}/api/me">${base}/api/me</a> (JSON, bearer token or this tenant's session)</li>
<li><a href="${base}/admin">${base}/admin</a> (admins: the tenant's members)</li></ul>`;
  return layout(label(tenant), body, { user: undefined });
}

/** The tenant's members, as its own ManagementClient lists them. */
export function tenantAdminPage(
  tenant: AuthingTenant,
  viewer: AuthingUser,
  members: { userId?: string; email?: string; name?: string }[],
): string {
  const rows = members
    .map((m) => `<tr><td><code>${e(m.userId)}</code></td><td>${e(m.email)}</td><td>${e(m.name)}</td></tr>`)
    .join('');
  const body = `<h1>${e(label(tenant))}: members</h1>
<p>Viewed by ${e(viewer.email ?? viewer.sub)}, through the tenant's ManagementClient.</p>
<table id="tenant-members"><thead><tr><th>User id</th><th>Email</th><th>Name</th></tr></thead><tbody>${rows}</tbody></table>
<p><a href="/t/${encodeURIComponent(tenant.name)}">Back</a></p>`;
  return layout(`${label(tenant)} admin`, body, { user: undefined });
}
