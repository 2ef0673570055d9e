import type { AuthingUser } from '../lib/index.js';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text. */
export function e(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:640px;margin:48px auto;padding:0 16px;color:#1d2129}
button.button{border:0;font:inherit;cursor:pointer}
a.button,button.button{display:inline-block;padding:10px 20px;border-radius:4px;background:#215ae5;color:#fff;text-decoration:none}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}dt{font-weight:600}code{background:#f2f3f5;padding:2px 4px}</style>
</head><body>${body}</body></html>`;
}

// Logging out changes state: a POST (with the same-origin check), never a link another site could follow.
const logoutForm =
  '<form method="post" action="/logout"><button class="button" id="logout" type="submit">Log out</button></form>';

export function homePage(user: AuthingUser | undefined, loginFailed: boolean): string {
  const failed = loginFailed ? '<p id="login-failed" role="alert">The login failed; please try again.</p>' : '';
  if (!user) {
    return layout(
      'nestjs-authing sample',
      `<h1>nestjs-authing sample</h1>${failed}
<p>You are not logged in.</p>
<p><a class="button" id="login" href="/login?returnTo=%2Fprofile">Log in</a></p>
<p>JSON API: <code>GET /api/me</code> with <code>Authorization: Bearer &lt;access token&gt;</code>.</p>`,
    );
  }
  return layout(
    'nestjs-authing sample',
    `<h1>nestjs-authing sample</h1>
<p>Logged in as <strong id="user-name">${e(user.name ?? user.email ?? user.sub)}</strong>.</p>
<p><a href="/profile">Profile</a></p>
${logoutForm}`,
  );
}

export function profilePage(user: AuthingUser, roles: string[]): string {
  return layout(
    'Profile',
    `<h1>Profile</h1>
<dl>
<dt>Name</dt><dd id="profile-name">${e(user.name ?? '')}</dd>
<dt>Email</dt><dd id="profile-email">${e(user.email ?? '')}</dd>
<dt>User id</dt><dd id="profile-sub">${e(user.sub)}</dd>
<dt>Roles</dt><dd id="profile-roles">${e(roles.join(', '))}</dd>
</dl>
<p><a href="/">Home</a></p>
${logoutForm}`,
  );
}
