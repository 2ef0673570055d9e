import { AuthingEmulator } from '../../lib/testing/index.js';
import { ManagementClient } from '../../lib/sdk/management/management-client.js';

/** Our ManagementClient against the emulator, over real HTTP: the signed management core. */
describe('emulator: management API driven by our ManagementClient', () => {
  let emulator: AuthingEmulator;
  let management: ManagementClient;

  beforeAll(async () => {
    emulator = await AuthingEmulator.start({
      seed: { users: [{ email: 'seed@example.com', password: 'seed-pass' }], roles: [{ code: 'viewer' }] },
    });
    management = new ManagementClient({ ...emulator.accessKey, host: emulator.host, retry: false });
  });

  afterAll(async () => {
    await management.close();
    await emulator.stop();
  });

  it('creates, reads, updates, lists, assigns roles to and deletes users', async () => {
    const created = await management.createUser({ email: 'alice@example.com', password: 'alice-pass', name: 'Alice' });
    expect(created.statusCode).toBe(200);
    expect(created.apiCode).toBeUndefined();
    const userId = created.data.userId;
    expect(userId).toMatch(/^[0-9a-f]{24}$/);
    expect(created.data).toMatchObject({ email: 'alice@example.com', name: 'Alice', status: 'Activated' });
    expect(JSON.stringify(created.data)).not.toMatch(/alice-pass|scrypt|password"/i);

    const fetched = await management.getUser({ userId });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.data.email).toBe('alice@example.com');
    const byEmail = await management.getUser({ userId: 'ALICE@example.com', userIdType: 'email' });
    expect(byEmail.data.userId).toBe(userId);

    const updated = await management.updateUser({ userId, nickname: 'ally', phone: '13800000000' });
    expect(updated.statusCode).toBe(200);
    expect(updated.data).toMatchObject({ nickname: 'ally', phone: '13800000000', name: 'Alice' });
    expect((await management.getUser({ userId })).data.nickname).toBe('ally');

    for (let i = 0; i < 11; i++) {
      const r = await management.createUser({ username: `bulk-${String(i).padStart(2, '0')}` });
      expect(r.statusCode).toBe(200);
    }
    // 1 seeded + alice + 11 bulk users.
    const page1 = await management.listUsers({ options: { pagination: { page: 1, limit: 5 } } });
    expect(page1.statusCode).toBe(200);
    expect(page1.data.totalCount).toBe(13);
    expect(page1.data.list).toHaveLength(5);
    const page3 = await management.listUsers({ options: { pagination: { page: 3, limit: 5 } } });
    expect(page3.data.list).toHaveLength(3);
    const allIds = new Set<string>();
    for (let page = 1; page <= 3; page++) {
      const r = await management.listUsers({ options: { pagination: { page, limit: 5 } } });
      for (const u of r.data.list) allIds.add(u.userId);
    }
    expect(allIds.size).toBe(13);
    const search = await management.listUsers({ keywords: 'bulk-0', options: { pagination: { page: 1, limit: 50 } } });
    expect(search.data.totalCount).toBe(10);

    const role = await management.createRole({ code: 'editor', description: 'Can edit' });
    expect(role.statusCode).toBe(200);
    expect(role.data).toMatchObject({ code: 'editor', namespace: 'default', description: 'Can edit' });
    const duplicate = await management.createRole({ code: 'editor' });
    expect(duplicate.statusCode).not.toBe(200);
    expect(duplicate.apiCode).toBeDefined();

    const assigned = await management.assignRole({
      code: 'editor',
      targets: [{ targetType: 'USER', targetIdentifier: userId }],
    });
    expect(assigned).toMatchObject({ statusCode: 200, data: { success: true } });
    await management.assignRole({ code: 'viewer', targets: [{ targetType: 'USER', targetIdentifier: userId }] });
    const roles = await management.getUserRoles({ userId });
    expect(roles.statusCode).toBe(200);
    expect(roles.data.totalCount).toBe(2);
    expect(roles.data.list.map((r) => r.code).sort()).toEqual(['editor', 'viewer']);
    const members = await management.listRoleMembers({ code: 'editor' });
    expect(members.data.list.map((u) => u.userId)).toEqual([userId]);

    const revoked = await management.revokeRole({
      code: 'editor',
      targets: [{ targetType: 'USER', targetIdentifier: userId }],
    });
    expect(revoked.statusCode).toBe(200);
    expect((await management.getUserRoles({ userId })).data.list.map((r) => r.code)).toEqual(['viewer']);

    const deleted = await management.deleteUsersBatch({ userIds: [userId] });
    expect(deleted).toMatchObject({ statusCode: 200, data: { success: true } });
    const gone = await management.getUser({ userId });
    expect(gone.statusCode).toBe(404);
    expect(gone.apiCode).toBe(2004);
    expect(gone.requestId).toEqual(expect.any(String));
    expect((await management.listUsers({ options: { pagination: { page: 1, limit: 1 } } })).data.totalCount).toBe(12);
  });

  it('manages groups, resources and permission checks', async () => {
    const user = emulator.findUser('seed@example.com')!;
    const group = await management.createGroup({ code: 'team', name: 'Team', description: 'The team' });
    expect(group).toMatchObject({ statusCode: 200, data: { code: 'team', name: 'Team' } });
    expect((await management.addGroupMembers({ code: 'team', userIds: [user.userId] })).statusCode).toBe(200);
    const groupMembers = await management.listGroupMembers({ code: 'team' });
    expect(groupMembers.data.list.map((u) => u.userId)).toEqual([user.userId]);
    expect((await management.getGroup({ code: 'team' })).data.description).toBe('The team');
    expect((await management.listGroups({})).data.totalCount).toBe(1);

    const resource = await management.createResource({
      code: 'orders',
      type: 'DATA',
      actions: [{ name: 'read', description: 'read orders' }],
    });
    expect(resource).toMatchObject({ statusCode: 200, data: { code: 'orders', type: 'DATA' } });
    // The official SDK's ResourceItemDto names the resource `code`.
    const authorized = await management.callEndpoint('authorizeResources', {
      list: [
        {
          targetType: 'GROUP',
          targetIdentifiers: ['team'],
          resources: [{ code: 'orders', resourceType: 'DATA', actions: ['read'] }],
        },
      ],
    });
    expect(authorized.statusCode).toBe(200);
    const check = await management.checkPermission({
      userId: user.userId,
      resources: ['orders', 'invoices'],
      action: 'read',
    });
    expect(check.statusCode).toBe(200);
    expect(check.data.checkResultList.map((r) => [r.resource, r.enabled])).toEqual([
      ['orders', true],
      ['invoices', false],
    ]);
  });
});
