/**
 * Authorization (#14) as users meet it: a real Nest app over HTTP on the real emulator, bearer
 * tokens the emulator issues, roles and resource authorizations set up through the ManagementClient.
 * @Roles any/all, stacked and merged controller+handler requirements, namespaces (management and
 * token sources), department roles, @ResourceAccess from params/query/body, the answer cache (counted
 * emulator calls), in-flight batching, 403/400 bodies, 503 and start-up configuration errors.
 */
import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ManagementClient } from '../../lib/sdk/index.js';
import { AuthingError, AuthingGuard, ResourceAccess } from '../../lib/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import {
  CrmController,
  DocsController,
  OrdersController,
  startAuthorizationApp,
  type RunningNest,
} from './support/authorization-app.js';

const PASSWORD = 'Auth0rize-passw0rd';
const USERS = {
  alice: ['editor', 'reviewer'],
  bob: ['editor'],
  vic: ['viewer'],
  pat: ['editor', 'reviewer', 'publisher'],
  carol: [],
  dan: ['admin'],
  dora: [],
} as const;
type Name = keyof typeof USERS;

let emulator: AuthingEmulator;
let management: ManagementClient;
let app: RunningNest;
const apps: RunningNest[] = [];
const tokens = new Map<string, string>();

const email = (name: Name) => `${name}@example.com`;
const idOf = (name: Name) => emulator.findUser(email(name))!.userId;

async function token(name: Name, scope?: string): Promise<string> {
  const key = `${name} ${scope ?? ''}`;
  if (!tokens.has(key)) {
    tokens.set(key, (await emulator.issueTokens({ user: email(name), ...(scope ? { scope } : {}) })).access_token);
  }
  return tokens.get(key)!;
}

async function call(
  target: RunningNest,
  name: Name,
  path: string,
  init: { method?: string; body?: unknown; scope?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${target.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${await token(name, init.scope)}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const ok = async (...args: Parameters<typeof call>) => (await call(...args)).status;

async function must(response: Promise<{ statusCode: number; message?: string }>): Promise<void> {
  const answer = await response;
  if (answer.statusCode !== 200) throw new Error(`setup failed: ${answer.statusCode} ${answer.message}`);
}

function authorize(
  targetType: 'USER' | 'ROLE',
  targets: string[],
  code: string,
  actions: string[],
  namespace?: string,
) {
  return must(
    management.authorizeResources({
      ...(namespace ? { namespace } : {}),
      list: [
        {
          targetType,
          targetIdentifiers: targets,
          resources: [{ code, actions, resourceType: 'DATA' }],
        },
      ],
    } as never),
  );
}

const isActionAllowedCalls = () => emulator.requestCountFor('/api/v3/is-action-allowed');
const checkPermissionCalls = () => emulator.requestCountFor('/api/v3/check-permission');

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    seed: {
      users: Object.entries(USERS).map(([name, roles]) => ({
        email: email(name as Name),
        password: PASSWORD,
        roles: [...roles],
      })),
    },
  });
  management = new ManagementClient({ ...emulator.accessKey, host: emulator.host, retry: false });
  // Namespaces: carol is `admin` in `crm` only; dan is `admin` in the default namespace only.
  await must(management.callEndpoint('createNamespace', { code: 'crm', name: 'CRM' }) as never);
  await must(management.createRole({ code: 'admin', namespace: 'crm' }));
  await must(
    management.assignRole({
      code: 'admin',
      namespace: 'crm',
      targets: [{ targetType: 'USER', targetIdentifier: idOf('carol') }],
    }),
  );
  // Department roles: dora is `editor` and `reviewer` through her department.
  const org = (await management.createOrganization({ organizationCode: 'acme', organizationName: 'ACME' })) as any;
  const dept = (await management.createDepartment({
    organizationCode: 'acme',
    parentDepartmentId: org.data.departmentId,
    name: 'Writers',
    code: 'writers',
  } as never)) as any;
  await must(
    management.addDepartmentMembers({
      organizationCode: 'acme',
      departmentId: dept.data.departmentId,
      userIds: [idOf('dora')],
    } as never),
  );
  for (const code of ['editor', 'reviewer']) {
    await must(
      management.assignRole({
        code,
        targets: [{ targetType: 'DEPARTMENT', targetIdentifier: dept.data.departmentId }],
      }),
    );
  }
  // Permissions and resource instances.
  await authorize('USER', [idOf('alice')], 'doc', ['read']);
  await authorize('USER', [idOf('alice')], 'order:1', ['read', 'pay']);
  await authorize('USER', [idOf('bob')], 'order:*', ['read']);
  await authorize('ROLE', ['reviewer'], 'order:7', ['read']); // dora, through her department's role
  await must(management.callEndpoint('createNamespace', { code: 'billing', name: 'Billing' }) as never);
  await authorize('USER', [idOf('alice')], 'invoice:*', ['read'], 'billing');
  await authorize('USER', [idOf('alice')], 'invoice:5', ['refund'], 'billing');
  await authorize('USER', [idOf('bob')], 'invoice:*', ['read', 'refund']); // default namespace: not billing

  app = await startAuthorizationApp({
    appId: emulator.app.appId,
    appHost: emulator.appHost,
    ...emulator.accessKey,
    host: emulator.host,
    retry: false,
  });
  apps.push(app);
});

afterAll(async () => {
  for (const running of apps) await running.close();
  await management?.close();
  await emulator?.stop();
});

describe('@Roles: match modes and controller+handler merging (management source)', () => {
  test('controller requirement AND handler "any": editor plus reviewer or admin', async () => {
    expect(await ok(app, 'alice', '/docs/review')).toBe(200);
    expect(await ok(app, 'bob', '/docs/review')).toBe(403);
    expect(await ok(app, 'vic', '/docs/review')).toBe(403);
  });

  test('match "all": every listed role', async () => {
    expect(await ok(app, 'alice', '/docs/all')).toBe(200);
    const refused = await call(app, 'bob', '/docs/all');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Requires all of the roles: editor, reviewer',
      reason: 'missing_role',
      requirement: { roles: ['editor', 'reviewer'], match: 'all', namespace: 'default' },
    });
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('the controller requirement alone applies to a handler without its own', async () => {
    expect(await ok(app, 'bob', '/docs/plain')).toBe(200);
    const refused = await call(app, 'vic', '/docs/plain');
    expect(refused.body).toMatchObject({
      reason: 'missing_role',
      requirement: { roles: ['editor'], match: 'any', namespace: 'default' },
    });
  });

  test('inherit: false replaces the controller requirement', async () => {
    expect(await ok(app, 'vic', '/docs/replace')).toBe(200);
    expect(await ok(app, 'bob', '/docs/replace')).toBe(403);
  });

  test('stacked @Roles all apply', async () => {
    expect(await ok(app, 'pat', '/docs/stacked')).toBe(200);
    const refused = await call(app, 'alice', '/docs/stacked');
    expect(refused.body.requirement).toEqual({ roles: ['publisher'], match: 'any', namespace: 'default' });
  });

  test('roles given to a department apply to its members', async () => {
    expect(await ok(app, 'dora', '/docs/all')).toBe(200);
  });

  test('@Permissions match "any", merged with the controller roles', async () => {
    expect(await ok(app, 'alice', '/docs/perm-any')).toBe(200);
    const refused = await call(app, 'bob', '/docs/perm-any');
    expect(refused.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Requires one of the permissions: doc:read, doc:admin',
      reason: 'missing_permission',
      requirement: { permissions: ['doc:read', 'doc:admin'], match: 'any', namespace: 'default' },
    });
  });
});

describe('@Roles: namespaces', () => {
  test('management source: a role of another namespace never satisfies the requirement', async () => {
    expect(await ok(app, 'carol', '/crm/admin')).toBe(200);
    expect(await ok(app, 'dan', '/crm/default-admin')).toBe(200);
    const refused = await call(app, 'carol', '/crm/default-admin');
    expect(refused.status).toBe(403);
    expect(refused.body.requirement).toEqual({ roles: ['admin'], match: 'any', namespace: 'default' });
    const other = await call(app, 'dan', '/crm/admin');
    expect(other.body).toMatchObject({
      message: 'Requires one of the roles: admin (namespace crm)',
      requirement: { roles: ['admin'], match: 'any', namespace: 'crm' },
    });
  });

  test('token source (userinfo roles claim): the same, and department roles count', async () => {
    const tokenApp = await startAuthorizationApp({ appId: emulator.app.appId, appHost: emulator.appHost }, [
      DocsController,
      CrmController,
    ]);
    apps.push(tokenApp);
    const scope = 'openid profile roles';
    expect(await ok(tokenApp, 'carol', '/crm/admin', { scope })).toBe(200);
    expect(await ok(tokenApp, 'carol', '/crm/default-admin', { scope })).toBe(403);
    expect(await ok(tokenApp, 'dan', '/crm/default-admin', { scope })).toBe(200);
    expect(await ok(tokenApp, 'dan', '/crm/admin', { scope })).toBe(403);
    expect(await ok(tokenApp, 'dora', '/docs/all', { scope })).toBe(200);
    expect(await ok(tokenApp, 'bob', '/docs/all', { scope })).toBe(403);
  });
});

describe('@ResourceAccess: resource instances asked of Authing', () => {
  test('id from the route parameter: the instance, the wildcard, another instance', async () => {
    expect(await ok(app, 'alice', '/orders/1')).toBe(200);
    expect(await ok(app, 'bob', '/orders/1')).toBe(200); // order:*
    expect(await ok(app, 'dora', '/orders/7')).toBe(200); // through her department's role
    const refused = await call(app, 'alice', '/orders/2');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Not allowed to read order:2',
      reason: 'action_not_allowed',
      requirement: { resource: 'order:2', action: 'read' },
    });
  });

  test('id from the query: allowed, denied, missing (400 naming it), repeated (400)', async () => {
    expect(await ok(app, 'alice', '/orders/by-query?orderId=1')).toBe(200);
    expect(await ok(app, 'alice', '/orders/by-query?orderId=3')).toBe(403);
    const missing = await call(app, 'alice', '/orders/by-query');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Resource id unavailable for order/read: query parameter "orderId" is missing',
      reason: 'missing_resource_id',
      requirement: { resource: 'order', action: 'read', id: { query: 'orderId' } },
    });
    expect((await call(app, 'alice', '/orders/by-query?orderId=1&orderId=2')).status).toBe(400);
    // alice may read order:1; `1:2` would be asked as order:1:2, a part of it, yet is another order.
    const structural = await call(app, 'alice', '/orders/by-query?orderId=1:2');
    expect(structural.status).toBe(400);
    expect(structural.body.message).toContain('must not contain ":", "*" or "/"');
    expect((await call(app, 'alice', '/orders/1:2')).status).toBe(400);
  });

  test('id from the JSON body: allowed, denied, missing, not a scalar', async () => {
    expect(await ok(app, 'alice', '/orders/pay', { method: 'POST', body: { orderId: '1' } })).toBe(201);
    expect(await ok(app, 'alice', '/orders/pay', { method: 'POST', body: { orderId: 1 } })).toBe(201);
    expect(await ok(app, 'bob', '/orders/pay', { method: 'POST', body: { orderId: '1' } })).toBe(403);
    const missing = await call(app, 'alice', '/orders/pay', { method: 'POST', body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.requirement).toEqual({ resource: 'order', action: 'pay', id: { body: 'orderId' } });
    expect((await call(app, 'alice', '/orders/pay', { method: 'POST', body: { orderId: ['1'] } })).status).toBe(400);
  });

  test('namespaces and checkPermission: the class requirement and the handler one both apply', async () => {
    expect(await ok(app, 'alice', '/invoices/9')).toBe(200);
    // bob's invoice rights are in the default namespace, not in `billing`.
    const refused = await call(app, 'bob', '/invoices/9');
    expect(refused.body).toMatchObject({
      reason: 'action_not_allowed',
      requirement: { resource: 'invoice:9', action: 'read', namespace: 'billing' },
    });
    const before = checkPermissionCalls();
    expect(await ok(app, 'alice', '/invoices/5/refund', { method: 'POST' })).toBe(201);
    expect(checkPermissionCalls()).toBe(before + 1);
    expect(await ok(app, 'alice', '/invoices/6/refund', { method: 'POST' })).toBe(403);
  });

  test('answers are cached: the same question asks Authing once, another question again', async () => {
    await ok(app, 'pat', '/orders/40'); // warms the token
    const before = isActionAllowedCalls();
    expect(await ok(app, 'bob', '/orders/41')).toBe(200);
    expect(await ok(app, 'bob', '/orders/41')).toBe(200);
    expect(await ok(app, 'bob', '/orders/41')).toBe(200);
    expect(isActionAllowedCalls()).toBe(before + 1);
    expect(await ok(app, 'bob', '/orders/42')).toBe(200);
    expect(isActionAllowedCalls()).toBe(before + 2);
    // Denials are cached as well.
    expect(await ok(app, 'pat', '/orders/40')).toBe(403);
    expect(isActionAllowedCalls()).toBe(before + 2);
  });

  test('a remembered answer lets the request through at once, with the user attached as on the first', async () => {
    const first = await call(app, 'bob', '/orders/43');
    const before = isActionAllowedCalls();
    const again = await call(app, 'bob', '/orders/43');
    expect(isActionAllowedCalls()).toBe(before);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    expect(again.body).toEqual({ id: '43', sub: idOf('bob'), passportUser: idOf('bob') });
    // Another user's remembered denial, and an allowed answer for another user, do not leak across.
    expect(await ok(app, 'vic', '/orders/43')).toBe(403);
    expect(await ok(app, 'vic', '/orders/43')).toBe(403);
    expect(await ok(app, 'bob', '/orders/43')).toBe(200);
  });

  test('N concurrent identical questions make one call', async () => {
    await ok(app, 'bob', '/orders/by-query?orderId=1'); // the token is verified and warm
    const before = isActionAllowedCalls();
    const statuses = await Promise.all(Array.from({ length: 12 }, () => ok(app, 'bob', '/orders/500')));
    expect(statuses).toEqual(Array(12).fill(200));
    expect(isActionAllowedCalls()).toBe(before + 1);
  });

  test('cacheTtl 0 keeps no answer: every sequential request asks', async () => {
    const uncached = await startAuthorizationApp({
      appId: emulator.app.appId,
      appHost: emulator.appHost,
      ...emulator.accessKey,
      host: emulator.host,
      authorization: { cacheTtl: 0 },
    });
    apps.push(uncached);
    const before = isActionAllowedCalls();
    expect(await ok(uncached, 'bob', '/orders/77')).toBe(200);
    expect(await ok(uncached, 'bob', '/orders/77')).toBe(200);
    expect(isActionAllowedCalls()).toBe(before + 2);
  });

  test('the injectable service answers the same question in code', async () => {
    expect((await call(app, 'alice', '/orders/can/1')).body).toEqual({ allowed: true });
    expect((await call(app, 'alice', '/orders/can/2')).body).toEqual({ allowed: false });
  });

  test('on Fastify: ids from params, query and body alike', async () => {
    const fastify = await startAuthorizationApp(
      { appId: emulator.app.appId, appHost: emulator.appHost, ...emulator.accessKey, host: emulator.host },
      [OrdersController],
      'fastify',
    );
    apps.push(fastify);
    expect(await ok(fastify, 'alice', '/orders/1')).toBe(200);
    expect(await ok(fastify, 'alice', '/orders/2')).toBe(403);
    expect(await ok(fastify, 'alice', '/orders/by-query?orderId=1')).toBe(200);
    expect(await ok(fastify, 'alice', '/orders/by-query')).toBe(400);
    expect(await ok(fastify, 'alice', '/orders/pay', { method: 'POST', body: { orderId: '1' } })).toBe(201);
    const refused = await call(fastify, 'bob', '/orders/pay', { method: 'POST', body: { orderId: '1' } });
    expect(refused.body).toMatchObject({ statusCode: 403, reason: 'action_not_allowed' });
  });

  test('Authing unreachable: 503 with Retry-After, nothing cached', async () => {
    const cold = await startAuthorizationApp({
      appId: emulator.app.appId,
      appHost: emulator.appHost,
      accessKeyId: emulator.accessKey.accessKeyId,
      accessKeySecret: emulator.accessKey.accessKeySecret,
      host: 'http://127.0.0.1:9',
      retry: false,
    });
    apps.push(cold);
    const refused = await call(cold, 'alice', '/orders/1');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body).toMatchObject({ statusCode: 503 });
    expect(JSON.stringify(refused.body)).not.toContain(emulator.accessKey.accessKeySecret);
    expect((await call(cold, 'alice', '/orders/1')).status).toBe(503);
  });
});

describe('start-up configuration errors', () => {
  @Controller('broken')
  @UseGuards(AuthingGuard)
  class BrokenController {
    @Get(':orderId')
    @ResourceAccess({ resource: 'order', action: 'read', id: { param: 'id' } })
    get(@Param('orderId') id: string) {
      return { id };
    }
  }

  test('a route parameter the path does not have fails the boot, naming route and parameter', async () => {
    const started = startAuthorizationApp(
      { appId: emulator.app.appId, appHost: emulator.appHost, ...emulator.accessKey, host: emulator.host },
      [BrokenController],
    );
    await expect(started).rejects.toThrow(AuthingError);
    await expect(started).rejects.toMatchObject({ code: 'configuration', reason: 'resource_id' });
    await expect(started).rejects.toThrow(/BrokenController\.get .*"broken\/:orderId" has no ":id"/);
  });

  test('@ResourceAccess without management credentials fails the boot', async () => {
    const started = startAuthorizationApp({ appId: emulator.app.appId, appHost: emulator.appHost });
    await expect(started).rejects.toMatchObject({ code: 'configuration', reason: 'accessKeyId' });
  });
});
