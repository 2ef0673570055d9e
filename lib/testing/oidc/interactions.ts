import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InteractionDetails, OidcGrant, Provider } from 'oidc-provider';
import { KNOWN_SCOPES } from '../claims.js';
import { parseForm, readBody, sendHtml } from '../http.js';
import { lockedError, type Lockout } from '../lockout.js';
import { verifyPassword } from '../passwords.js';
import type { Store } from '../store.js';
import { tenantLoginRefusal, tenantParam } from '../tenant-login.js';
import { consentPage, errorPage, loginPage } from '../views.js';
import { API_RESOURCE, describe } from './provider-config.js';

/** What the login and consent pages work with. */
export interface InteractionContext {
  readonly provider: Provider;
  store: Store;
  lockout: Lockout;
  /** The Authing tenant each grant was signed in to; a tenant login records its grant here. */
  grantTenants: Map<string, string>;
}

/** Handles `/interaction/<uid>[/login|/confirm|/abort]`: the hosted login and consent pages. */
export async function handleInteraction(
  ctx: InteractionContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(path);
  if (!match) return sendHtml(res, 404, errorPage('Not found', { error: 'not_found' }));
  const action = match[2];
  let details: InteractionDetails;
  try {
    details = await ctx.provider.interactionDetails(req, res);
  } catch (error) {
    return sendHtml(
      res,
      400,
      errorPage('Sign-in session expired', {
        error: 'invalid_request',
        error_description: `${describe(error)}. Start the login again from the application.`,
      }),
    );
  }
  if (details.uid !== match[1]) {
    return sendHtml(res, 400, errorPage('Sign-in session mismatch', { error: 'invalid_request' }));
  }
  const clientId = String(details.params.client_id ?? '');
  const app = ctx.store.apps.get(clientId);
  const appName = app?.appName ?? clientId;

  if (action === undefined && req.method === 'GET') {
    if (details.prompt.name === 'login') return sendHtml(res, 200, loginPage({ uid: details.uid, appName }));
    if (details.prompt.name === 'consent') {
      const scopes = String(details.params.scope ?? '')
        .split(' ')
        .filter(Boolean);
      const explicit = String(details.params.prompt ?? '')
        .split(' ')
        .includes('consent');
      // Authing asks for consent only when offline access is requested; first-party logins pass.
      if (!scopes.includes('offline_access') && !explicit) return grantConsent(ctx, req, res, details);
      const user = ctx.store.users.get(details.session?.accountId ?? '');
      const account = user?.profile.email ?? user?.profile.username ?? user?.profile.phone ?? '';
      return sendHtml(res, 200, consentPage({ uid: details.uid, appName, scopes, account }));
    }
    return sendHtml(
      res,
      400,
      errorPage('Unsupported prompt', { error: 'invalid_request', prompt: details.prompt.name }),
    );
  }
  if (req.method !== 'POST') return sendHtml(res, 405, errorPage('Method not allowed', { error: 'invalid_request' }));
  const form = parseForm(await readBody(req));

  if (action === 'login') {
    if (details.prompt.name !== 'login')
      return sendHtml(res, 400, errorPage('No login pending', { error: 'invalid_request' }));
    const account = (form.account ?? form.email ?? form.username ?? '').trim();
    const user = account ? ctx.store.findByAccount(account) : undefined;
    const { lockout } = ctx;
    const locked = (seconds: number) =>
      sendHtml(res, 200, loginPage({ uid: details.uid, appName, account, error: lockedError(seconds).message }));
    if (user && lockout.remainingSeconds(user.userId) > 0) return locked(lockout.remainingSeconds(user.userId));
    const ok = user !== undefined && (await verifyPassword(form.password ?? '', user.passwordHash));
    if (user && !ok && lockout.fail(user.userId)) return locked(lockout.remainingSeconds(user.userId));
    if (user && ok) lockout.succeed(user.userId);
    if (!user || !ok) {
      return sendHtml(
        res,
        200,
        loginPage({ uid: details.uid, appName, account, error: 'Incorrect account or password. Please try again.' }),
      );
    }
    if (user.status !== 'Activated') {
      return sendHtml(res, 200, loginPage({ uid: details.uid, appName, account, error: 'This account is suspended.' }));
    }
    // Signing in to a tenant: only its members, and the grant (so the tokens) is that tenant's own.
    const tenantId = tenantParam(details.params);
    let consent: { grantId: string } | undefined;
    if (tenantId !== undefined) {
      const refusal = tenantLoginRefusal(ctx.store, tenantId, user.userId, clientId);
      if (refusal) return sendHtml(res, 200, loginPage({ uid: details.uid, appName, account, error: refusal }));
      consent = { grantId: await tenantGrant(ctx, user.userId, clientId, details, tenantId) };
    }
    ctx.store.recordLogin(user, { appId: clientId, loginMethod: 'PASSWORD' });
    return ctx.provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.userId, amr: ['pwd'], remember: true }, ...(consent ? { consent } : {}) },
      { mergeWithLastSubmission: false },
    );
  }
  if (action === 'confirm') {
    if (details.prompt.name !== 'consent') {
      return sendHtml(res, 400, errorPage('No consent pending', { error: 'invalid_request' }));
    }
    return grantConsent(ctx, req, res, details);
  }
  return ctx.provider.interactionFinished(
    req,
    res,
    { error: 'access_denied', error_description: 'End-User aborted interaction' },
    { mergeWithLastSubmission: false },
  );
}

/** A fresh grant for a tenant login (never one of another tenant), remembered as that tenant's. */
async function tenantGrant(
  ctx: InteractionContext,
  accountId: string,
  clientId: string,
  details: InteractionDetails,
  tenantId: string,
): Promise<string> {
  const grant = new ctx.provider.Grant({ accountId, clientId });
  const scope = String(details.params.scope ?? 'openid')
    .split(' ')
    .filter((s) => KNOWN_SCOPES.includes(s))
    .join(' ');
  grant.addOIDCScope(scope);
  grant.addResourceScope(API_RESOURCE, scope);
  const grantId = await grant.save();
  ctx.grantTenants.set(grantId, tenantId);
  return grantId;
}

async function grantConsent(
  ctx: InteractionContext,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
): Promise<void> {
  const provider = ctx.provider;
  const accountId = details.session?.accountId;
  const clientId = String(details.params.client_id ?? '');
  if (!accountId) return sendHtml(res, 400, errorPage('Not signed in', { error: 'login_required' }));
  let grant: OidcGrant | undefined = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  grant ??= new provider.Grant({ accountId, clientId });
  const d = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}
