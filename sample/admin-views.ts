import type { AuthingUser } from '../lib/index.js';
import { e, layout } from './views.js';

export interface UserRow {
  userId: string;
  email?: string | null;
  name?: string | null;
  username?: string | null;
}

export interface RoleRow {
  code: string;
  description?: string | null;
}

export function usersPage(
  viewer: AuthingUser,
  users: UserRow[],
  totalCount: number,
  page: number,
  limit: number,
): string {
  const rows = users
    .map(
      (u) =>
        `<tr><td>${e(u.name ?? u.username ?? '')}</td><td>${e(u.email ?? '')}</td><td><code>${e(u.userId)}</code></td></tr>`,
    )
    .join('\n');
  const pages = Math.max(1, Math.ceil(totalCount / limit));
  const prev = page > 1 ? `<a href="/admin/users?page=${page - 1}">Previous</a>` : '';
  const next = page < pages ? `<a href="/admin/users?page=${page + 1}">Next</a>` : '';
  return layout(
    'Users',
    `<h1>Users</h1>
<p id="users-count">${totalCount} user${totalCount === 1 ? '' : 's'} in the user pool (page ${page} of ${pages}).</p>
<table id="users"><thead><tr><th>Name</th><th>Email</th><th>User id</th></tr></thead><tbody>
${rows}
</tbody></table>
<p>${prev} ${next}</p>
<p><a href="/admin/roles">Roles</a> · <a href="/">Home</a></p>`,
    { user: viewer, isAdmin: true },
  );
}

/** The roles and the form that creates one; `created` or `error` report the last submission. */
export function rolesPage(
  viewer: AuthingUser,
  roles: RoleRow[],
  outcome: { created?: string; error?: string; code?: string; description?: string } = {},
): string {
  const rows = roles
    .map((r) => `<tr><td><code>${e(r.code)}</code></td><td>${e(r.description ?? '')}</td></tr>`)
    .join('\n');
  const message = outcome.created
    ? `<p id="role-created" class="notice" role="status">Role <code>${e(outcome.created)}</code> created.</p>`
    : outcome.error
      ? `<p id="role-error" class="notice error" role="alert">${e(outcome.error)}</p>`
      : '';
  return layout(
    'Roles',
    `<h1>Roles</h1>${message}
<table id="roles"><thead><tr><th>Code</th><th>Description</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Create a role</h2>
<form id="create-role" method="post" action="/admin/roles">
<label for="code">Code (letters, digits, <code>_ - :</code>)</label>
<input id="code" name="code" required maxlength="64" pattern="[\\w:\\-]{1,64}" value="${e(outcome.error ? outcome.code : '')}">
<label for="description">Description</label>
<input id="description" name="description" maxlength="200" value="${e(outcome.error ? outcome.description : '')}">
<p><button id="create-role-submit" type="submit">Create role</button></p>
</form>
<p><a href="/admin/users">Users</a> · <a href="/">Home</a></p>`,
    { user: viewer, isAdmin: true },
  );
}
