/**
 * A minimal browser for hosted-login tests: fetch with `redirect: 'manual'`, a cookie jar honouring
 * cookie paths and deletion, redirects followed by hand, and HTML form extraction.
 */
export interface Cookie {
  name: string;
  value: string;
  path: string;
}

export interface Page {
  status: number;
  url: string;
  location?: string;
  body: string;
  headers: Headers;
}

export class CookieBrowser {
  readonly cookies = new Map<string, Cookie>();
  /** Every URL requested, in order. */
  readonly visited: string[] = [];

  constructor(private readonly origin: string) {}

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Page> {
    const absolute = new URL(url, this.origin).href;
    this.visited.push(absolute);
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(absolute);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(absolute, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    this.store(absolute, res.headers.getSetCookie());
    const location = res.headers.get('location') ?? undefined;
    return {
      status: res.status,
      url: absolute,
      location: location ? new URL(location, absolute).href : undefined,
      body: await res.text(),
      headers: res.headers,
    };
  }

  /**
   * Follows redirects on the emulator's origin; stops at the first non-redirect answer or at a
   * redirect leaving the origin (the application's callback), which is returned unfetched.
   */
  async follow(page: Page, max = 10): Promise<Page> {
    let current = page;
    for (let i = 0; i < max; i++) {
      if (current.status < 300 || current.status >= 400 || !current.location) return current;
      if (!current.location.startsWith(this.origin)) return current;
      current = await this.request(current.location);
    }
    throw new Error(`too many redirects from ${page.url}`);
  }

  async submit(
    page: Page,
    formSelector: { action?: RegExp; id?: string },
    fields: Record<string, string> = {},
  ): Promise<Page> {
    const form = findForm(page.body, formSelector);
    if (!form) throw new Error(`no form matching ${String(formSelector.action ?? formSelector.id)} on ${page.url}`);
    return this.request(new URL(form.action, page.url).href, {
      method: form.method,
      form: { ...form.fields, ...fields },
    });
  }

  private cookieHeader(url: string): string {
    const { pathname } = new URL(url);
    return [...this.cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(url: string, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [k, v = ''] = attribute.split('=');
        const key = k!.toLowerCase();
        if (key === 'path') path = v;
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) < Date.now()) expired = true;
      }
      const id = `${name};${path}`;
      if (expired) this.cookies.delete(id);
      else this.cookies.set(id, { name, value, path });
    }
    void url;
  }
}

export interface HtmlForm {
  id?: string;
  action: string;
  method: string;
  fields: Record<string, string>;
}

/** Extracts the forms of a page with their hidden and pre-filled inputs. */
export function forms(html: string): HtmlForm[] {
  const out: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = match[1]!;
    const fields: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input\b([^>]*)>/gi)) {
      const name = attr(input[1]!, 'name');
      if (name && attr(input[1]!, 'type') !== 'password') fields[name] = decode(attr(input[1]!, 'value') ?? '');
    }
    out.push({
      id: attr(attrs, 'id'),
      action: decode(attr(attrs, 'action') ?? ''),
      method: (attr(attrs, 'method') ?? 'GET').toUpperCase(),
      fields,
    });
  }
  return out;
}

function findForm(html: string, selector: { action?: RegExp; id?: string }): HtmlForm | undefined {
  return forms(html).find(
    (f) => (selector.id === undefined || f.id === selector.id) && (!selector.action || selector.action.test(f.action)),
  );
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(attrs);
  return m?.[1];
}

function decode(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
