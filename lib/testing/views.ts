import { escapeHtml as e } from './http.js';

const STYLE = `
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5f9;margin:0;
padding:48px 16px;color:#1d2129}.card{max-width:380px;margin:0 auto;background:#fff;border-radius:8px;padding:32px;
box-shadow:0 2px 12px rgba(0,0,0,.08)}h1{font-size:22px;margin:0 0 4px}.sub{color:#86909c;margin:0 0 24px}
label{display:block;font-size:14px;margin:16px 0 6px}input{width:100%;height:40px;padding:0 10px;border:1px solid #c9cdd4;
border-radius:4px;font-size:15px}button{width:100%;height:40px;margin-top:24px;border:0;border-radius:4px;background:#215ae5;
color:#fff;font-size:15px;cursor:pointer}button.secondary{background:#fff;color:#4e5969;border:1px solid #c9cdd4;margin-top:10px}
.error{background:#ffece8;color:#cb2634;padding:10px 12px;border-radius:4px;font-size:14px}ul{padding-left:20px}
.note{margin-top:24px;font-size:12px;color:#86909c;text-align:center}`;

function page(title: string, body: string, script = ''): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} · Authing emulator</title>
<style>${STYLE}</style>
</head>
<body>
<main class="card">
${body}
<p class="note">Authing emulator · local development only</p>
</main>${script}
</body>
</html>`;
}

export function loginPage(options: { uid: string; appName: string; account?: string; error?: string }): string {
  const { uid, appName, account, error } = options;
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p class="sub">to continue to <strong>${e(appName)}</strong></p>
${error ? `<p class="error" id="error" role="alert">${e(error)}</p>` : ''}
<form method="post" action="/interaction/${e(uid)}/login" id="login-form">
<label for="account">Email, username or phone</label>
<input id="account" name="account" type="text" autocomplete="username" required autofocus value="${e(account ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login-submit">Sign in</button>
</form>
<form method="post" action="/interaction/${e(uid)}/abort">
<button type="submit" class="secondary">Cancel</button>
</form>`,
  );
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are',
  profile: 'Read your basic profile (name, nickname, picture)',
  email: 'Read your email address',
  phone: 'Read your phone number',
  address: 'Read your address',
  username: 'Read your username',
  roles: 'Read your roles',
  external_id: 'Read your external id',
  offline_access: 'Stay signed in and access your data when you are not present (refresh token)',
};

export function consentPage(options: { uid: string; appName: string; scopes: string[]; account: string }): string {
  const { uid, appName, scopes, account } = options;
  const items = scopes.map((s) => `<li>${e(SCOPE_TEXT[s] ?? s)}</li>`).join('\n');
  return page(
    'Authorize',
    `<h1>Authorize ${e(appName)}</h1>
<p class="sub">Signed in as <strong>${e(account)}</strong>. <strong>${e(appName)}</strong> asks to:</p>
<ul id="scopes">
${items}
</ul>
<form method="post" action="/interaction/${e(uid)}/confirm" id="consent-form">
<input type="hidden" name="consent" value="allow">
<button type="submit" id="consent-allow">Allow</button>
</form>
<form method="post" action="/interaction/${e(uid)}/abort">
<button type="submit" class="secondary" id="consent-deny">Deny</button>
</form>`,
  );
}

/**
 * The RP-initiated logout confirmation. oidc-provider gives a form carrying its anti-CSRF token; the
 * page submits it by itself (Authing does not ask) and keeps a "Log out" button for clients without
 * JavaScript (cookie-jar test clients read the form and post it).
 */
export function logoutPage(form: string, host: string): string {
  const withButton = form.replace(
    '</form>',
    '<input type="hidden" name="logout" value="yes"/><button type="submit" id="logout-submit">Log out</button></form>',
  );
  return page(
    'Log out',
    `<h1>Log out</h1>
<p class="sub">Signing you out of ${e(host)}…</p>
${withButton}`,
    `<script>document.getElementById('op.logoutForm').submit()</script>`,
  );
}

export function loggedOutPage(): string {
  return page('Logged out', `<h1>Logged out</h1><p class="sub">You have been signed out.</p>`);
}

export function errorPage(title: string, details: Record<string, unknown>): string {
  const rows = Object.entries(details)
    .filter(([, v]) => v !== undefined)
    .map(
      ([k, v]) => `<p><strong>${e(k)}</strong>: <span class="${k === 'error' ? 'error-code' : ''}">${e(v)}</span></p>`,
    )
    .join('\n');
  return page(title, `<h1>${e(title)}</h1>\n${rows}`);
}

export function homePage(origin: string): string {
  return page(
    'Authing emulator',
    `<h1>Authing emulator</h1>
<p class="sub">A local Authing-compatible server.</p>
<ul>
<li>OIDC discovery: <a href="/oidc/.well-known/openid-configuration">${e(origin)}/oidc/.well-known/openid-configuration</a></li>
<li>JWKS: <a href="/oidc/.well-known/jwks.json">${e(origin)}/oidc/.well-known/jwks.json</a></li>
<li>API: ${e(origin)}/api/v3/…</li>
</ul>`,
  );
}
