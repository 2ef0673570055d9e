import { createServer, type Server } from 'node:net';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { AuthenticationClient } from '../../lib/index.js';
import { createSampleApp, type SampleApp } from '../../sample/app.js';
import { describeStartFailure, startBanner } from '../../sample/banner.js';
import { CookieClient, loginUntilCallback } from '../support/cookie-client.js';

/** The sample as a browser meets it: pages, links, forms, error pages, notices; and `npm start`'s banner. */
const ADMIN = { email: 'ada@example.com', password: 'Adm1n-pass!', name: 'Ada Admin' };
const USER = { email: 'bob@example.com', password: 'B0b-pass!', name: 'Bob User' };
const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

let emulator: AuthingEmulator;
let sample: SampleApp;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [
        { ...ADMIN, roles: ['admin'] },
        { ...USER, roles: ['reader'] },
      ],
    },
  });
  sample = await createSampleApp({ port: 0, emulator, logger: false });
});

afterAll(async () => {
  await sample?.close();
  await emulator?.stop();
});

async function loggedIn(account: { email: string; password: string }): Promise<CookieClient> {
  const client = new CookieClient();
  const callback = await client.request(await loginUntilCallback(client, sample.url, account));
  expect(callback.status).toBe(302);
  return client;
}

const links = (html: string) => [...html.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1]);

describe('sample pages', () => {
  test('an unknown URL: an HTML 404 page for a browser, JSON for an API client', async () => {
    const page = await fetch(`${sample.url}/no/such/page`, { headers: HTML });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<h1 id="error-title">Page not found</h1>');
    expect(html).toContain('<code>/no/such/page</code>');
    expect(links(html)).toContain('/');
    const api = await fetch(`${sample.url}/no/such/page`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ statusCode: 404 });
  });

  test('a page that needs a login: 401 page with a login link back to it; JSON 401 for the API', async () => {
    const page = await fetch(`${sample.url}/admin/users`, { headers: HTML });
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toBe('Bearer realm="authing"');
    expect(links(await page.text())).toContain('/login?returnTo=%2Fadmin%2Fusers');
    expect((await fetch(`${sample.url}/admin/users`)).headers.get('content-type')).toMatch(/json/);
  });

  test('the admin area: a users page and a roles page with a form that creates a role', async () => {
    const admin = await loggedIn(ADMIN);
    const home = await (await admin.request(`${sample.url}/`, { headers: HTML })).text();
    expect(links(home)).toEqual(expect.arrayContaining(['/profile', '/admin/users', '/admin/roles']));
    expect(home).toContain('<form method="post" action="/logout"><button id="logout"');

    const usersPage = await admin.request(`${sample.url}/admin/users`, { headers: HTML });
    expect(usersPage.status).toBe(200);
    const users = await usersPage.text();
    expect(users).toContain('<td>ada@example.com</td>');
    expect(users).toContain('<td>bob@example.com</td>');
    expect(users).toMatch(/id="users-count">2 users/);
    expect(links(users)).toContain('/admin/roles');
    expect((await admin.request(`${sample.url}/admin`)).headers.get('location')).toBe('/admin/users');

    const created = await admin.request(`${sample.url}/admin/roles`, {
      method: 'POST',
      headers: { ...HTML, 'content-type': 'application/x-www-form-urlencoded', origin: sample.url },
      body: new URLSearchParams({ code: 'editor', description: 'Edits <b>articles</b>' }),
    });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/admin/roles?created=editor');
    const roles = await (await admin.request(`${sample.url}/admin/roles?created=editor`, { headers: HTML })).text();
    expect(roles).toContain('id="role-created"');
    expect(roles).toContain('<td><code>editor</code></td><td>Edits &lt;b&gt;articles&lt;/b&gt;</td>');
    expect(roles).toContain('<form id="create-role" method="post" action="/admin/roles">');

    const refused = await admin.request(`${sample.url}/admin/roles`, {
      method: 'POST',
      headers: { ...HTML, 'content-type': 'application/x-www-form-urlencoded', origin: sample.url },
      body: new URLSearchParams({ code: 'no spaces allowed' }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/id="role-error"[^>]*>The code must be 1-64 letters/);

    const json = await admin.request(`${sample.url}/admin/roles`);
    expect(await json.json()).toMatchObject({
      roles: expect.arrayContaining([{ code: 'editor', description: 'Edits <b>articles</b>' }]),
    });
  });

  test('a non-admin gets a 403 page and no admin links', async () => {
    const user = await loggedIn(USER);
    const page = await user.request(`${sample.url}/admin/users`, { headers: HTML });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('<h1 id="error-title">Not allowed</h1>');
    const home = await (await user.request(`${sample.url}/`, { headers: HTML })).text();
    expect(links(home)).not.toContain('/admin/users');
    expect(home).toContain('<form method="post" action="/logout"><button id="logout"');
  });

  test('a cancelled login comes back to a clear message, not a generic failure', async () => {
    const client = new CookieClient();
    const start = await client.request(`${sample.url}/login`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const callback = await client.request(`${sample.url}/callback?error=access_denied&state=${state}`);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/?login=failed&error=access_denied');
    const home = await (await client.request(`${sample.url}/?login=failed&error=access_denied`)).text();
    expect(home).toContain('You cancelled the login');
    const other = await (await client.request(`${sample.url}/?login=failed&error=state`)).text();
    expect(other).toContain('The login could not be completed');
  });

  test('a favicon, linked from every page', async () => {
    const icon = await fetch(`${sample.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await icon.text()).toMatch(/^<svg /);
    expect((await fetch(`${sample.url}/favicon.ico`)).status).toBe(204);
    expect(await (await fetch(`${sample.url}/`)).text()).toContain('<link rel="icon" href="/favicon.svg"');
  });
});

describe('npm start', () => {
  test('prints the demo login and a curl line whose token works on the bearer API', async () => {
    const own = await createSampleApp({ port: 0, logger: false });
    try {
      const banner = await startBanner(own);
      expect(banner).toContain(`nestjs-authing sample: open ${own.url}`);
      expect(banner).toContain(`Demo administrator: ${own.demo!.email} / ${own.demo!.password}`);
      const curl = /curl -H 'Authorization: Bearer ([\w.-]+)' (\S+)/.exec(banner)!;
      expect(curl[2]).toBe(`${own.url}/api/me`);
      const me = await fetch(curl[2]!, { headers: { authorization: `Bearer ${curl[1]}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({
        sub: own.emulator!.findUser(own.demo!.email)!.userId,
        roles: ['admin'],
        via: 'bearer',
      });

      // The printed sign-in request, as curl would send it.
      const signIn = /-d '([^']+)' (\S+\/api\/v3\/signin)/.exec(banner)!;
      const answer = await fetch(signIn[2]!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: signIn[1],
      });
      const body = (await answer.json()) as { statusCode: number; data: { access_token: string } };
      expect(body.statusCode).toBe(200);
      const { appId, appSecret } = own.emulator!.app;
      const auth = new AuthenticationClient({ appId, appSecret, appHost: own.emulator!.appHost });
      await expect(auth.verifyAccessToken(body.data.access_token)).resolves.toMatchObject({
        aud: own.emulator!.app.appId,
      });
      await auth.close();
    } finally {
      await own.close();
    }
  });

  test('a busy port gives one friendly line naming the port and what to do, not a stack trace', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await createSampleApp({ port, emulator, logger: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'EADDRINUSE' });
      const message = describeStartFailure(error, port, '127.0.0.1')!;
      expect(message).toBe(
        `Port ${port} on 127.0.0.1 is already in use (another copy of the sample, or another server). ` +
          `Stop that program, or start the sample on another port: PORT=${port + 1} npm start`,
      );
      expect(message).not.toContain('\n');
      expect(describeStartFailure(new Error('boom'), port, '127.0.0.1')).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
