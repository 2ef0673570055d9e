import type { AuthingUser } from '../lib/index.js';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text. */
export function e(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** The sample's icon, served at /favicon.svg (and linked from every page). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#215ae5"/><path d="M16 6l8 3v6c0 5-3.4 9.3-8 11-4.6-1.7-8-6-8-11V9z" fill="#fff"/>
<path d="M12.5 16l2.5 2.5 5-5" stroke="#215ae5" stroke-width="2.2" fill="none" stroke-linecap="round"/></svg>`;

/** Who is looking at the page: drives the navigation. */
export interface Viewer {
  user?: AuthingUser;
  isAdmin?: boolean;
}

function nav(viewer: Viewer): string {
  const links = ['<a href="/">Home</a>'];
  if (viewer.user) links.push('<a href="/profile">Profile</a>');
  if (viewer.isAdmin) links.push('<a href="/admin/users">Users</a>', '<a href="/admin/roles">Roles</a>');
  // Logged out, each page offers its own "Log in" button. Logging out changes state: a POST (with
  // the same-origin check), never a link another site could make the browser follow.
  const logout = viewer.user
    ? '<form method="post" action="/logout"><button id="logout" class="link" type="submit">Log out</button></form>'
    : '';
  return `<nav>${links.join(' ')}${logout}</nav>`;
}

/** The page frame: title, icon, navigation, styles. */
export function layout(title: string, body: string, viewer: Viewer = {}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)} · nestjs-authing sample</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>body{font-family:system-ui,sans-serif;max-width:720px;margin:32px auto;padding:0 16px;color:#1d2129}
nav{display:flex;gap:16px;align-items:baseline;padding-bottom:12px;margin-bottom:24px;border-bottom:1px solid #e5e6eb}nav a{color:#215ae5;text-decoration:none}
a.button,button{display:inline-block;padding:10px 20px;border:0;border-radius:4px;background:#215ae5;color:#fff;text-decoration:none;font:inherit;cursor:pointer}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}dt{font-weight:600}code{background:#f2f3f5;padding:2px 4px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e6eb}
.notice{padding:10px 14px;border-radius:4px;background:#e8f3ff}.error{background:#ffece8}
nav form{margin-left:auto}button.link{background:none;color:#215ae5;padding:0}
label{display:block;margin:8px 0 4px}input{padding:8px;width:100%;max-width:360px;box-sizing:border-box}</style>
</head><body>${nav(viewer)}${body}</body></html>`;
}

/** Why the home page was reached: a failed or cancelled login (`?login=failed&error=`), or a logout. */
export interface HomeNotice {
  loginError?: string;
  loggedOut?: boolean;
}

function notice(n: HomeNotice): string {
  if (n.loggedOut) return '<p id="logged-out" class="notice" role="status">You have been logged out.</p>';
  if (n.loginError === undefined) return '';
  const text =
    n.loginError === 'access_denied'
      ? 'You cancelled the login (or Authing denied it). Nothing was changed; you can log in again.'
      : n.loginError === 'unavailable'
        ? 'Authing could not be reached to complete the login. Please try again in a moment.'
        : 'The login could not be completed (it may have expired or been used already). Please log in again.';
  return `<p id="login-failed" class="notice error" role="alert">${e(text)}</p>`;
}

export function homePage(user: AuthingUser | undefined, n: HomeNotice, isAdmin: boolean): string {
  if (!user) {
    return layout(
      'Home',
      `<h1>nestjs-authing sample</h1>${notice(n)}
<p>You are not logged in.</p>
<p><a class="button" id="login" href="/login?returnTo=%2Fprofile">Log in</a></p>
<p>JSON API: <code>GET /api/me</code> with <code>Authorization: Bearer &lt;access token&gt;</code>.</p>`,
    );
  }
  return layout(
    'Home',
    `<h1>nestjs-authing sample</h1>${notice(n)}
<p>Logged in as <strong id="user-name">${e(user.name ?? user.email ?? user.sub)}</strong>.</p>
<ul><li><a href="/profile">Your profile</a></li><li><a href="/api/me">Your identity as JSON (<code>/api/me</code>)</a></li>
${isAdmin ? '<li><a href="/admin/users">Users</a> and <a href="/admin/roles">roles</a> (administrators)</li>' : ''}</ul>`,
    { user, isAdmin },
  );
}

export function profilePage(user: AuthingUser, roles: string[]): string {
  const isAdmin = roles.includes('admin');
  return layout(
    'Profile',
    `<h1>Profile</h1>
<dl>
<dt>Name</dt><dd id="profile-name">${e(user.name ?? '')}</dd>
<dt>Email</dt><dd id="profile-email">${e(user.email ?? '')}</dd>
<dt>User id</dt><dd id="profile-sub">${e(user.sub)}</dd>
<dt>Roles</dt><dd id="profile-roles">${e(roles.join(', '))}</dd>
</dl>
<p>Log out with the button at the top right.</p>`,
    { user, isAdmin },
  );
}

/** An error page: 404, 403, 401 (with a login link), 5xx. */
export function errorPage(status: number, message: string, path: string): string {
  const titles: Record<number, string> = {
    401: 'Please log in',
    403: 'Not allowed',
    404: 'Page not found',
    503: 'Authing is unreachable',
  };
  const title = titles[status] ?? (status >= 500 ? 'Something went wrong' : 'Request refused');
  const hint =
    status === 401
      ? `<p><a class="button" id="login" href="/login?returnTo=${encodeURIComponent(path)}">Log in</a></p>`
      : status === 404
        ? `<p>There is no page at <code>${e(path)}</code>.</p>`
        : '';
  return layout(
    title,
    `<h1 id="error-title">${e(title)}</h1><p id="error-message">${e(message)}</p>${hint}<p><a href="/">Back to the home page</a></p>`,
  );
}
