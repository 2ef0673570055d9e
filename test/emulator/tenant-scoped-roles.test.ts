/**
 * Tenant-scoped roles in the emulator: a ManagementClient created with a `tenantId` (sent as
 * `x-authing-app-id`, as the official SDK does) creates, lists, assigns and checks that tenant's
 * roles; the user pool and other tenants do not see them.
 */
import { ManagementClient } from '../../lib/sdk/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

let emulator: AuthingEmulator;
let pool: ManagementClient;
let acme: ManagementClient;
let globex: ManagementClient;
let stranger: ManagementClient;
let userId: string;

beforeAll(async () => {
  emulator = await AuthingEmulator.start({
    port: 0,
    seed: {
      users: [{ email: 'tess@tenants.test', password: 'Tess-passw0rd' }],
      tenants: [
        { tenantId: 'acme', name: 'Acme', members: ['tess@tenants.test'] },
        { tenantId: 'globex', name: 'Globex', members: ['tess@tenants.test'] },
      ],
    },
  });
  const base = { ...emulator.accessKey, host: emulator.host, retry: false } as const;
  pool = new ManagementClient(base);
  acme = new ManagementClient({ ...base, tenantId: 'acme' });
  globex = new ManagementClient({ ...base, tenantId: 'globex' });
  // An application id (not a tenant) in the header leaves the call in the user pool.
  stranger = new ManagementClient({ ...base, tenantId: emulator.app.appId });
  userId = emulator.findUser('tess@tenants.test')!.userId;
});

afterAll(async () => {
  await Promise.all([pool, acme, globex, stranger].map((c) => c?.close()));
  await emulator?.stop();
});

const codes = (answer: { data?: { list?: { code?: string }[] } }) => (answer.data?.list ?? []).map((r) => r.code);

test('one role code in the pool and in two tenants: three roles, each assigned and listed in its scope', async () => {
  for (const client of [pool, acme, globex]) {
    expect((await client.createRole({ code: 'admin', description: 'scoped' })).statusCode).toBe(200);
  }
  expect((await acme.createRole({ code: 'admin' })).statusCode).not.toBe(200); // taken in acme
  expect((await acme.createRole({ code: 'billing' })).statusCode).toBe(200);
  const target = [{ targetType: 'USER' as const, targetIdentifier: userId }];
  expect((await acme.assignRole({ code: 'billing', targets: target })).statusCode).toBe(200);
  // globex has no `billing`: assigning it there is refused, not applied to acme's.
  expect((await globex.assignRole({ code: 'billing', targets: target })).statusCode).not.toBe(200);

  expect(codes(await acme.getUserRoles({ userId }))).toEqual(['billing']);
  expect(codes(await globex.getUserRoles({ userId }))).toEqual([]);
  expect(codes(await pool.getUserRoles({ userId }))).toEqual([]);
  expect(codes(await stranger.getUserRoles({ userId }))).toEqual([]);
  expect(codes(await acme.listRoles({}))).toEqual(['admin', 'billing']);
  expect(codes(await pool.listRoles({}))).toEqual(['admin']);
  expect((await globex.getRole({ code: 'billing' })).statusCode).not.toBe(200);
});

test('isActionAllowed and checkPermission answer within the tenant that granted', async () => {
  const grant = await acme.authorizeResources({
    list: [
      {
        targetType: 'ROLE',
        targetIdentifiers: ['billing'],
        resources: [{ code: 'invoice:*', actions: ['read'], resourceType: 'DATA' }],
      },
    ],
  } as never);
  expect(grant.statusCode).toBe(200);
  const ask = (client: ManagementClient) =>
    client.isActionAllowed({ userId, action: 'read', resource: 'invoice:3' }).then((r) => r.data?.allowed);
  expect(await ask(acme)).toBe(true);
  expect(await ask(globex)).toBe(false);
  expect(await ask(pool)).toBe(false);
  const check = (client: ManagementClient) =>
    client
      .checkPermission({ userId, action: 'read', resources: ['invoice:3'], namespaceCode: 'default' })
      .then((r) => r.data?.checkResultList?.[0]?.enabled);
  expect(await check(acme)).toBe(true);
  expect(await check(globex)).toBe(false);
  expect(emulator.managementCallsFor('/api/v3/is-action-allowed', 'acme')).toBeGreaterThan(0);
});

test("deleting and renaming in a tenant touch that tenant's role only", async () => {
  expect((await globex.updateRole({ code: 'admin', newCode: 'owner' } as never)).statusCode).toBe(200);
  expect(codes(await globex.listRoles({}))).toEqual(['owner']);
  expect((await acme.deleteRolesBatch({ codeList: ['admin'] })).statusCode).toBe(200);
  expect(codes(await acme.listRoles({}))).toEqual(['billing']);
  expect(codes(await pool.listRoles({}))).toEqual(['admin']);
  expect((await pool.getRole({ code: 'admin' })).statusCode).toBe(200);
});
