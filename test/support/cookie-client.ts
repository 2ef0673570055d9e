/**
 * A tiny browser stand-in for tests: fetch with a cookie jar (cookies keyed by host, like browsers:
 * ports do not separate them) and manual redirects, plus a driver for the emulator's login form.
 */
interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
  expires?: number;
  httpOnly: boolean;
  sameSite?: string;
}

export interface Hop {
  url: string;
  status: number;
  location?: string;
}

export class CookieClient {
  readonly cookies: StoredCookie[] = [];
  readonly hops: Hop[] = [];

  /** One request, no redirect following; cookies sent and stored. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.store(target, response.headers.getSetCookie());
    const location = response.headers.get('location') ?? undefined;
    this.hops.push({ url, status: response.status, location: location ? new URL(location, target).href : undefined });
    return response;
  }

  /** GET and follow redirects until a non-redirect answer, or until `stop(url)` says so. */
  async follow(
    url: string,
    stop?: (url: string) => boolean,
    init: RequestInit = {},
  ): Promise<{ response: Response; url: string }> {
    let current = url;
    let response = await this.request(current, init);
    for (let i = 0; i < 20 && isRedirect(response.status); i++) {
      const next = new URL(response.headers.get('location')!, current).href;
      await response.arrayBuffer();
      if (stop?.(next)) return { response, url: next };
      current = next;
      response = await this.request(current);
    }
    return { response, url: current };
  }

  cookieHeader(url: URL): string {
    const now = Date.now();
    return this.cookies
      .filter(
        (c) =>
          c.host === url.hostname && url.pathname.startsWith(c.path) && (c.expires === undefined || c.expires > now),
      )
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  find(name: string): StoredCookie | undefined {
    return this.cookies.find((c) => c.name === name);
  }

  private store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const cookie: StoredCookie = { name, value, host: url.hostname, path: '/', httpOnly: false };
      for (const attribute of attributes) {
        const [key, val] = attribute.split('=', 2) as [string, string | undefined];
        const k = key.toLowerCase();
        if (k === 'path' && val) cookie.path = val;
        else if (k === 'expires' && val) cookie.expires = Date.parse(val);
        else if (k === 'max-age' && val) cookie.expires = Date.now() + Number(val) * 1000;
        else if (k === 'httponly') cookie.httpOnly = true;
        else if (k === 'samesite') cookie.sameSite = val?.toLowerCase();
      }
      const index = this.cookies.findIndex((c) => c.name === name && c.host === cookie.host && c.path === cookie.path);
      if (index >= 0) this.cookies.splice(index, 1);
      if (cookie.expires === undefined || cookie.expires > Date.now()) this.cookies.push(cookie);
    }
  }
}

export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** The `action` of the form with this id in an HTML page, resolved against the page URL. */
export function formAction(html: string, formId: string, pageUrl: string): string {
  const match = new RegExp(
    `<form[^>]*action="([^"]+)"[^>]*id="${formId}"|<form[^>]*id="${formId}"[^>]*action="([^"]+)"`,
  ).exec(html);
  if (!match) throw new Error(`no form #${formId} on ${pageUrl}: ${html.slice(0, 300)}`);
  return new URL((match[1] ?? match[2])!.replace(/&amp;/g, '&'), pageUrl).href;
}

/** Hidden inputs of the first form (oidc-provider's logout confirmation carries an xsrf token). */
export function hiddenInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1];
    if (name) fields[name] = value ?? '';
  }
  return fields;
}

/**
 * Drives the emulator's hosted login from an authorize URL: login form, consent, and back to the
 * application. Returns the URL the emulator finally redirects to (the app's callback with `code`).
 */
export async function completeEmulatorLogin(
  client: CookieClient,
  authorizeUrl: string,
  credentials: { account: string; password: string },
  isAppUrl: (url: string) => boolean,
): Promise<string> {
  let { response, url } = await client.follow(authorizeUrl, isAppUrl);
  for (let step = 0; step < 6; step++) {
    if (isRedirect(response.status) && isAppUrl(url)) return url;
    const html = await response.text();
    let action: string;
    let body: URLSearchParams;
    if (html.includes('id="login-form"')) {
      action = formAction(html, 'login-form', url);
      body = new URLSearchParams({ account: credentials.account, password: credentials.password });
    } else if (html.includes('id="consent-form"')) {
      action = formAction(html, 'consent-form', url);
      body = new URLSearchParams({ consent: 'allow' });
    } else {
      throw new Error(`unexpected page at ${url} (${response.status}): ${html.slice(0, 300)}`);
    }
    const posted = await client.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    if (!isRedirect(posted.status)) {
      response = posted;
      url = action;
      continue;
    }
    const next = new URL(posted.headers.get('location')!, action).href;
    await posted.arrayBuffer();
    if (isAppUrl(next)) return next;
    ({ response, url } = await client.follow(next, isAppUrl));
  }
  throw new Error('the hosted login did not come back to the application');
}

/**
 * An application's hosted login on the emulator, up to its callback: GET `<appUrl><loginPath>`, then
 * the emulator's login (and consent) pages. Returns the callback URL, not yet requested, so a test
 * can deliver, hold or replay it.
 */
export async function loginUntilCallback(
  client: CookieClient,
  appUrl: string,
  account: { email: string; password: string },
  loginPath = '/login',
): Promise<string> {
  const start = await client.request(`${appUrl}${loginPath}`);
  if (!isRedirect(start.status)) throw new Error(`${loginPath} answered ${start.status}, not a redirect to Authing`);
  await start.arrayBuffer();
  return completeEmulatorLogin(
    client,
    start.headers.get('location')!,
    { account: account.email, password: account.password },
    (url) => url.startsWith(appUrl),
  );
}
