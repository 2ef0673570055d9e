/**
 * The emulator's hosted login for Authing tenants: an authorize request naming a tenant (`tenantId`,
 * as the official SDK sends it, or `tenant_id`) admits the tenant's members only, makes everyone sign
 * in again, and its tokens name the tenant; `issueTokens({ tenantId })` follows the same rules.
 */
import { AuthenticationClient } from '../../lib/sdk/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { completeEmulatorLogin, CookieClient, formAction } from '../support/cookie-client.js';

const MEMBER = { email: 'member@tenant.test', password: 'Member-passw0rd' };
const OUTSIDER = { email: 'outsider@tenant.test', password: 'Outsider-passw0rd' };
const CALLBACK = 'http://app.test/callback';

let emulator: AuthingEmulator;
let auth: AuthenticationClient;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [MEMBER, OUTSIDER],
      app: { redirectUris: [CALLBACK] },
      apps: [{ appId: 'elsewhere-app', redirectUris: [CALLBACK] }],
      tenants: [
        { tenantId: 'tenant-open', name: 'Open', members: [MEMBER.email] },
        { tenantId: 'tenant-closed', name: 'Closed', members: [MEMBER.email], appIds: ['elsewhere-app'] },
      ],
    },
  });
  auth = new AuthenticationClient({
    appId: emulator.app.appId,
    appSecret: emulator.app.appSecret,
    appHost: emulator.appHost,
    redirectUri: CALLBACK,
  });
});

afterAll(async () => {
  await auth?.close();
  await emulator?.stop();
});

const isApp = (url: string) => url.startsWith(CALLBACK);

/** Submits the login form of an authorize URL; returns the page answered, or the app URL redirected to. */
async function submitLogin(client: CookieClient, authorizeUrl: string, account: typeof MEMBER) {
  const { response, url } = await client.follow(authorizeUrl, isApp);
  if (isApp(url)) return { redirectedTo: url, page: '' };
  const html = await response.text();
  expect(html).toContain('id="login-form"');
  const posted = await client.request(formAction(html, 'login-form', url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ account: account.email, password: account.password }),
  });
  return { redirectedTo: undefined, page: posted.status === 200 ? await posted.text() : '', status: posted.status };
}

test('a member logs in to the tenant; both tokens carry tenant_id ("tenant_id" spelling too)', async () => {
  for (const spelling of ['tenantId', 'tenant_id']) {
    const login = auth.buildAuthorizeUrl({ scope: 'openid profile email' });
    const url = new URL(login.url);
    url.searchParams.set(spelling, 'tenant-open');
    const callback = await completeEmulatorLogin(
      new CookieClient(),
      url.href,
      { account: MEMBER.email, password: MEMBER.password },
      isApp,
    );
    const { tokens, claims } = await auth.handleRedirectCallback(callback, {
      state: login.state!,
      nonce: login.nonce,
      codeVerifier: login.codeVerifier,
    });
    expect(claims.tenant_id).toBe('tenant-open');
    expect((await auth.verifyAccessToken(tokens.access_token)).tenant_id).toBe('tenant-open');
  }
});

test('a login without a tenant gets tokens without tenant_id', async () => {
  const login = auth.buildAuthorizeUrl({ scope: 'openid profile' });
  const callback = await completeEmulatorLogin(
    new CookieClient(),
    login.url,
    { account: OUTSIDER.email, password: OUTSIDER.password },
    isApp,
  );
  const { tokens, claims } = await auth.handleRedirectCallback(callback, {
    state: login.state!,
    nonce: login.nonce,
    codeVerifier: login.codeVerifier,
  });
  expect(claims.tenant_id).toBeUndefined();
  expect((await auth.verifyAccessToken(tokens.access_token)).tenant_id).toBeUndefined();
});

test('non-members, unknown tenants and applications outside the tenant are refused at the login form', async () => {
  const refusal = async (tenantId: string, account: typeof MEMBER) => {
    const { page, redirectedTo } = await submitLogin(
      new CookieClient(),
      auth.buildAuthorizeUrl({ tenantId }).url,
      account,
    );
    expect(redirectedTo).toBeUndefined();
    return page;
  };
  expect(await refusal('tenant-open', OUTSIDER)).toContain('not a member of this tenant');
  expect(await refusal('tenant-nowhere', MEMBER)).toContain('Tenant tenant-nowhere does not exist.');
  expect(await refusal('tenant-closed', MEMBER)).toContain('not available in this tenant');
});

test('someone already signed in at the emulator must sign in again to enter a tenant', async () => {
  const client = new CookieClient();
  await completeEmulatorLogin(
    client,
    auth.buildAuthorizeUrl().url,
    { account: OUTSIDER.email, password: OUTSIDER.password },
    isApp,
  );
  // Without a tenant, the emulator's session answers at once; with one, the login form comes back.
  const again = await client.follow(auth.buildAuthorizeUrl().url, isApp);
  expect(isApp(again.url)).toBe(true);
  const { page } = await submitLogin(client, auth.buildAuthorizeUrl({ tenantId: 'tenant-open' }).url, OUTSIDER);
  expect(page).toContain('not a member of this tenant');
});

test('issueTokens({ tenantId }) names the tenant, for members only', async () => {
  const set = await emulator.issueTokens({ user: MEMBER.email, tenantId: 'tenant-open' });
  expect((await auth.verifyAccessToken(set.access_token)).tenant_id).toBe('tenant-open');
  await expect(emulator.issueTokens({ user: OUTSIDER.email, tenantId: 'tenant-open' })).rejects.toThrow(/not a member/);
  const added = emulator.addTenant({ name: 'Later', members: [OUTSIDER.email] });
  const later = await emulator.issueTokens({ user: OUTSIDER.email, tenantId: added.tenantId });
  expect((await auth.verifyAccessToken(later.access_token)).tenant_id).toBe(added.tenantId);
});
