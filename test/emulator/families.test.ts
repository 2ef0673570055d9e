import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationClient } from '../../lib/sdk/authentication/authentication-client.js';
import { ManagementClient } from '../../lib/sdk/management/management-client.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { totp } from '../../lib/testing/api/totp.js';

type Data = Record<string, any>;

/** The entity families beyond users, roles and groups: effects must show up through other calls. */
describe('emulator: management families with real semantics', () => {
  let emulator: AuthingEmulator;
  let management: ManagementClient;
  const call = async (name: string, args: unknown): Promise<{ statusCode: number; apiCode?: number; data: Data }> =>
    (await management.callEndpoint(name, args)) as never;

  beforeAll(async () => {
    emulator = await AuthingEmulator.start({
      seed: { users: [{ email: 'dora@example.com', username: 'dora', password: 'dora-pass-1' }] },
    });
    management = new ManagementClient({ ...emulator.accessKey, host: emulator.host, retry: false });
  });

  afterAll(async () => {
    await management.close();
    await emulator.stop();
  });

  const dora = (): string => emulator.findUser('dora@example.com')!.userId;

  it('log listings honour their pagination (the page size is read from `pagination`)', async () => {
    for (const code of ['pg-a', 'pg-b', 'pg-c']) await call('createRole', { code });
    const page = await call('getAdminAuditLogs', { pagination: { page: 1, limit: 2 } });
    expect(page.statusCode).toBe(200);
    expect(page.data.totalCount).toBeGreaterThan(2);
    expect(page.data.list).toHaveLength(2);
  });

  it('department members appear in getUserDepartments and inherit the roles given to the department', async () => {
    const org = await call('createOrganization', { organizationCode: 'acme', organizationName: 'ACME' });
    expect(org.statusCode).toBe(200);
    expect((await call('createOrganization', { organizationCode: 'acme', organizationName: 'x' })).apiCode).toBe(9409);
    const dept = await call('createDepartment', {
      organizationCode: 'acme',
      parentDepartmentId: org.data.departmentId,
      name: 'Engineering',
      code: 'eng',
    });
    expect(dept.statusCode).toBe(200);
    const departmentId = dept.data.departmentId as string;
    expect((await call('getUserDepartments', { userId: dora() })).data.totalCount).toBe(0);
    await call('addDepartmentMembers', { organizationCode: 'acme', departmentId, userIds: [dora()] });
    const mine = await call('getUserDepartments', { userId: dora() });
    expect(mine.data.list).toEqual([expect.objectContaining({ departmentId, name: 'Engineering' })]);
    const members = await call('listDepartmentMembers', { organizationCode: 'acme', departmentId });
    expect(members.data.list.map((u: Data) => u.userId)).toEqual([dora()]);
    const children = await call('listChildrenDepartments', {
      organizationCode: 'acme',
      departmentId: org.data.departmentId,
    });
    expect(children.data.list.map((d: Data) => d.code)).toEqual(['eng']);

    await call('createRole', { code: 'engineer' });
    const assigned = await call('assignRole', {
      code: 'engineer',
      targets: [{ targetType: 'DEPARTMENT', targetIdentifier: departmentId }],
    });
    expect(assigned.statusCode).toBe(200);
    const roles = await call('getUserRoles', { userId: dora() });
    expect(roles.data.list.map((r: Data) => r.code)).toContain('engineer');
    expect((await call('listRoleDepartments', { code: 'engineer' })).data.list).toEqual([
      expect.objectContaining({ id: departmentId }),
    ]);

    await call('createResource', { code: 'repo', type: 'DATA', actions: [{ name: 'push' }] });
    await call('authorizeResources', {
      list: [{ targetType: 'ROLE', targetIdentifiers: ['engineer'], resources: [{ code: 'repo', actions: ['push'] }] }],
    });
    const allowed = await call('isActionAllowed', { userId: dora(), action: 'push', resource: 'repo' });
    expect(allowed.data).toEqual({ allowed: true });
    await call('removeDepartmentMembers', { organizationCode: 'acme', departmentId, userIds: [dora()] });
    expect((await call('isActionAllowed', { userId: dora(), action: 'push', resource: 'repo' })).data).toEqual({
      allowed: false,
    });
    expect((await call('getUserRoles', { userId: dora() })).data.list).toEqual([]);
  });

  it('a login lands in the login history; kicking the user makes the token introspect inactive', async () => {
    const auth = new AuthenticationClient({ ...emulator.app, appHost: emulator.appHost });
    const login = await auth.signInByEmailPassword({ email: 'dora@example.com', password: 'dora-pass-1' });
    const token = (login.data as Data).access_token as string;
    expect((await auth.introspectToken(token)).data).toMatchObject({ active: true });
    const history = await call('getUserLoginHistory', { userId: dora() });
    expect(history.data.list[0]).toMatchObject({ userId: dora(), appId: emulator.app.appId, success: true });
    expect((await call('checkSessionStatus', { userId: dora(), appId: emulator.app.appId })).data).toEqual({
      status: true,
    });

    await new Promise((resolve) => setTimeout(resolve, 1100)); // iat has second precision
    const kicked = await call('kickUsers', { userId: dora(), appIds: [emulator.app.appId] });
    expect(kicked.statusCode).toBe(200);
    expect((await auth.introspectToken(token)).data).toMatchObject({ active: false });
    expect((await call('checkSessionStatus', { userId: dora(), appId: emulator.app.appId })).data).toEqual({
      status: false,
    });
    const audit = await call('getAdminAuditLogs', { operationType: 'kick' });
    expect(audit.data.list[0]).toMatchObject({ operationParam: 'kick-users', success: true });
  });

  it('applications created through the API are OIDC clients at once; a refreshed secret replaces the old', async () => {
    const created = await call('createApplication', {
      appName: 'Billing',
      appType: 'web',
      redirectUris: ['http://localhost:4000/cb'],
    });
    expect(created.statusCode).toBe(200);
    const { appId, appSecret } = created.data as { appId: string; appSecret: string };
    const auth = (secret: string) => new AuthenticationClient({ appId, appSecret: secret, appHost: emulator.appHost });
    const ok = await auth(appSecret).signInByEmailPassword({ email: 'dora@example.com', password: 'dora-pass-1' });
    expect(ok.statusCode).toBe(200);
    const refreshed = await call('refreshApplicationSecret', { appId });
    expect(refreshed.data.secret).not.toBe(appSecret);
    const old = await auth(appSecret).signInByEmailPassword({ email: 'dora@example.com', password: 'dora-pass-1' });
    expect(old.apiCode).toBe(2011);
    expect((await call('getApplicationSecret', { appId })).data.secret).toBe(refreshed.data.secret);
    expect((await call('deleteApplication', { appId })).statusCode).toBe(200);
    expect((await call('getApplication', { appId })).apiCode).toBe(2011);
  });

  it('an imported OTP secret is the one codes are generated from', async () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    expect((await call('getUserMfaInfo', { userId: dora() })).data.totpStatus).toBe('DISABLE');
    await call('importOtp', { list: [{ userId: dora(), secret }] });
    expect((await call('getUserMfaInfo', { userId: dora() })).data.totpStatus).toBe('ENABLE');
    expect((await call('getOtpSecretByUser', { userId: dora() })).data).toEqual({ secret });
    // RFC 6238 appendix B: the SHA-1 secret "12345678901234567890" at 59 s gives 94287082 (8 digits).
    expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000)).toBe('287082');
  });

  it('custom fields type-check custom data, which getUser then returns', async () => {
    await call('setCustomFields', { list: [{ targetType: 'USER', key: 'age', dataType: 'NUMBER', label: 'Age' }] });
    const bad = await call('setCustomData', {
      targetType: 'USER',
      targetIdentifier: dora(),
      list: [{ key: 'age', value: 'old' }],
    });
    expect(bad.apiCode).toBe(9400);
    await call('setCustomData', { targetType: 'USER', targetIdentifier: dora(), list: [{ key: 'age', value: 42 }] });
    expect((await call('getUser', { userId: dora(), withCustomData: true })).data.customData).toMatchObject({
      age: 42,
    });
    expect((await call('getCustomData', { targetType: 'USER', targetIdentifier: dora() })).data).toMatchObject({
      age: 42,
    });
  });

  it('record families persist, page, refuse duplicates and name what is missing', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await call('createWebhook', {
        name: `hook-${i}`,
        url: `http://localhost:5000/${i}`,
        events: ['user.created'],
        contentType: 'application/json',
      });
      expect(r.statusCode).toBe(200);
    }
    expect((await call('createWebhook', { name: 'x' })).apiCode).toBe(9400);
    const page = await call('listWebhooks', { page: 2, limit: 2 });
    expect(page.data.totalCount).toBe(3);
    expect(page.data.list).toHaveLength(1);
    const id = page.data.list[0].webhookId as string;
    await call('updateWebhook', { webhookId: id, enabled: false });
    expect((await call('getWebhook', { webhookId: id })).data).toMatchObject({ enabled: false });
    await call('deleteWebhook', { webhookIds: [id] });
    expect((await call('getWebhook', { webhookId: id })).apiCode).toBe(9410);

    await call('createNamespace', { code: 'crm', name: 'CRM' });
    expect((await call('createNamespace', { code: 'crm', name: 'CRM' })).apiCode).toBe(9409);
    await call('createRole', { code: 'sales', namespace: 'crm' });
    expect((await call('listNamespaceRoles', { code: 'crm' })).data.list.map((r: Data) => r.code)).toEqual(['sales']);
    expect((await call('listWebhooks', {})).apiCode).toBeUndefined();
  });

  it('tenants hold members; an access key created through the API signs requests until deleted', async () => {
    const tenant = await call('createTenant', { name: 'Tenant A' });
    const tenantId = tenant.data.tenantId as string;
    await call('addTenantUsers', { tenantId, linkUserIds: [dora()] });
    const users = await call('listTenantUsers', { tenantId });
    expect(users.data.list.map((u: Data) => u.userId)).toEqual([dora()]);

    const key = await call('createAccessKey', { type: 'userpool' });
    const other = new ManagementClient({
      accessKeyId: key.data.accessKeyId,
      accessKeySecret: key.data.accessKeySecret,
      host: emulator.host,
      retry: false,
    });
    expect((await other.callEndpoint('getTenant', { tenantId })).statusCode).toBe(200);
    await call('deleteAccessKey', { accessKeyId: key.data.accessKeyId });
    expect((await other.callEndpoint('getTenant', { tenantId })).apiCode).toBe(1001);
    await other.close();
  });
});

describe('emulator: every family persists to the data file', () => {
  it('keeps organizations, webhooks, custom data and kicks across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'authing-families-'));
    try {
      const dataFile = join(dir, 'state.json');
      const first = await AuthingEmulator.start({ dataFile });
      const m1 = new ManagementClient({ ...first.accessKey, host: first.host, retry: false });
      await m1.callEndpoint('createOrganization', { organizationCode: 'org1', organizationName: 'Org 1' });
      await m1.callEndpoint('createWebhook', {
        name: 'h',
        url: 'http://localhost/h',
        events: ['x'],
        contentType: 'json',
      });
      await m1.close();
      await first.stop();
      const second = await AuthingEmulator.start({ dataFile });
      const m2 = new ManagementClient({ ...second.accessKey, host: second.host, retry: false });
      const org = (await m2.callEndpoint('getOrganization', { organizationCode: 'org1' })) as { data: Data };
      expect(org.data).toMatchObject({ organizationName: 'Org 1' });
      const hooks = (await m2.callEndpoint('listWebhooks', {})) as { data: Data };
      expect(hooks.data.totalCount).toBe(1);
      const audit = (await m2.callEndpoint('getAdminAuditLogs', {})) as { data: Data };
      expect(audit.data.list.map((r: Data) => r.operationParam)).toEqual(['create-webhook', 'create-organization']);
      await m2.close();
      await second.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
