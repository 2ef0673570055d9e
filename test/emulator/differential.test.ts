import authing from 'authing-node-sdk';
import { ManagementClient } from '../../lib/sdk/management/management-client.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import type { EmulatorSeed } from '../../lib/testing/types.js';

type Data = Record<string, any>;
/** One call of a scenario: SDK method name, and its argument (built from the answers so far). */
type Step = [name: string, args: (answers: Data[]) => Data];

const USER = '0123456789abcdef01234567';
const SEED: EmulatorSeed = {
  users: [{ userId: USER, email: 'gil@example.com', username: 'gil', password: 'gil-pass-1', name: 'Gil' }],
};
const fixed = (args: Data) => () => args;

/**
 * Every served family driven twice, through the official authing-node-sdk and through our
 * ManagementClient, each against its own emulator started from the same seed: the answers must be
 * the same once generated ids, secrets and times are masked.
 */
const SCENARIOS: Record<string, Step[]> = {
  users: [
    ['createUser', fixed({ email: 'hal@example.com', name: 'Hal', password: 'hal-pass-1' })],
    ['getUser', fixed({ userId: 'hal@example.com', userIdType: 'email' })],
    ['updateUser', (a) => ({ userId: a[0]!.data.userId, nickname: 'hally' })],
    ['listUsers', fixed({ options: { pagination: { page: 1, limit: 1 } } })],
    ['isUserExists', fixed({ username: 'gil' })],
    ['getUserBatch', fixed({ userIds: [USER] })],
    ['getUser', fixed({ userId: 'nobody' })],
    ['resignUser', (a) => ({ userId: a[0]!.data.userId })],
    ['listArchivedUsers', fixed({})],
  ],
  roles: [
    ['createRole', fixed({ code: 'admin', name: 'Admin' })],
    ['createRolesBatch', fixed({ list: [{ code: 'r1' }, { code: 'r2' }] })],
    ['assignRole', fixed({ code: 'admin', targets: [{ targetType: 'USER', targetIdentifier: USER }] })],
    ['getUserRoles', fixed({ userId: USER })],
    ['listRoleMembers', fixed({ code: 'admin' })],
    ['hasAnyRole', fixed({ userId: USER, roles: [{ code: 'admin' }] })],
    [
      'revokeRoleBatch',
      fixed({ roles: [{ code: 'admin' }], targets: [{ targetType: 'USER', targetIdentifier: USER }] }),
    ],
    ['listRoles', fixed({ page: 1, limit: 2 })],
    ['deleteRolesBatch', fixed({ codeList: ['r1'] })],
  ],
  groups: [
    ['createGroup', fixed({ code: 'ops', name: 'Ops' })],
    ['addGroupMembers', fixed({ code: 'ops', userIds: [USER] })],
    ['listGroupMembers', fixed({ code: 'ops' })],
    ['getUserGroups', fixed({ userId: USER })],
    ['createOrUpdateGroup', fixed({ code: 'ops', name: 'Operations' })],
    ['getAllGroups', fixed({ fetchMembers: true })],
  ],
  organizations: [
    ['createOrganization', fixed({ organizationCode: 'corp', organizationName: 'Corp' })],
    [
      'createDepartment',
      (a) => ({ organizationCode: 'corp', parentDepartmentId: a[0]!.data.departmentId, name: 'Dev', code: 'dev' }),
    ],
    [
      'addDepartmentMembers',
      (a) => ({ organizationCode: 'corp', departmentId: a[1]!.data.departmentId, userIds: [USER] }),
    ],
    ['getUserDepartments', fixed({ userId: USER })],
    ['listDepartmentMembers', (a) => ({ organizationCode: 'corp', departmentId: a[1]!.data.departmentId })],
    ['createRole', fixed({ code: 'dev' })],
    [
      'assignRole',
      (a) => ({ code: 'dev', targets: [{ targetType: 'DEPARTMENT', targetIdentifier: a[1]!.data.departmentId }] }),
    ],
    ['getUserRoles', fixed({ userId: USER })],
    [
      'authorizeResources',
      fixed({
        list: [
          {
            targetType: 'ROLE',
            targetIdentifiers: ['dev'],
            resources: [{ code: 'repo', actions: ['push'], resourceType: 'DATA' }],
          },
        ],
      }),
    ],
    ['isActionAllowed', fixed({ userId: USER, action: 'push', resource: 'repo:1' })],
    ['isUserInDepartment', (a) => ({ userId: USER, organizationCode: 'corp', departmentId: a[1]!.data.departmentId })],
    ['listOrganizations', fixed({})],
  ],
  authorization: [
    ['createResource', fixed({ code: 'book', type: 'DATA', actions: [{ name: 'read', description: 'Read' }] })],
    [
      'authorizeResources',
      fixed({
        list: [
          {
            targetType: 'USER',
            targetIdentifiers: [USER],
            resources: [{ code: 'book', actions: ['read'], resourceType: 'DATA' }],
          },
        ],
      }),
    ],
    ['isActionAllowed', fixed({ userId: USER, action: 'read', resource: 'book' })],
    ['isActionAllowed', fixed({ userId: USER, action: 'write', resource: 'book' })],
    ['checkPermission', fixed({ userId: USER, action: 'read', resources: ['book'], namespaceCode: 'default' })],
    ['getUserAuthorizedResources', fixed({ userId: USER })],
    ['getResourceAuthorizedTargets', fixed({ resource: 'book' })],
  ],
  resourceInstances: [
    ['createNamespace', fixed({ code: 'shop', name: 'Shop' })],
    [
      'authorizeResources',
      fixed({
        list: [
          {
            targetType: 'USER',
            targetIdentifiers: [USER],
            resources: [{ code: 'order:42', actions: ['read'], resourceType: 'DATA' }],
          },
        ],
      }),
    ],
    [
      'authorizeResources',
      fixed({
        namespace: 'shop',
        list: [
          {
            targetType: 'USER',
            targetIdentifiers: [USER],
            resources: [{ code: 'invoice:*', actions: ['pay'], resourceType: 'DATA' }],
          },
        ],
      }),
    ],
    ['isActionAllowed', fixed({ userId: USER, action: 'read', resource: 'order:42' })],
    ['isActionAllowed', fixed({ userId: USER, action: 'read', resource: 'order:43' })],
    ['isActionAllowed', fixed({ userId: USER, action: 'read', resource: 'order:*' })],
    ['isActionAllowed', fixed({ userId: USER, action: 'pay', resource: 'invoice:7', namespace: 'shop' })],
    ['isActionAllowed', fixed({ userId: USER, action: 'pay', resource: 'invoice:7' })],
    [
      'checkPermission',
      fixed({ userId: USER, action: 'pay', resources: ['invoice:7', 'invoice:*', 'order:42'], namespaceCode: 'shop' }),
    ],
    ['isActionAllowed', fixed({ userId: 'nobody', action: 'read', resource: 'order:42' })],
  ],
  namespacedRoles: [
    ['createNamespace', fixed({ code: 'crm', name: 'CRM' })],
    ['createRole', fixed({ code: 'admin', namespace: 'crm' })],
    ['createRole', fixed({ code: 'admin' })],
    [
      'assignRole',
      fixed({ code: 'admin', namespace: 'crm', targets: [{ targetType: 'USER', targetIdentifier: USER }] }),
    ],
    ['getUserRoles', fixed({ userId: USER, namespace: 'crm' })],
    ['getUserRoles', fixed({ userId: USER, namespace: 'default' })],
    [
      'authorizeResources',
      fixed({
        namespace: 'crm',
        list: [
          {
            targetType: 'ROLE',
            targetIdentifiers: ['admin'],
            resources: [{ code: 'lead', actions: ['*'], resourceType: 'DATA' }],
          },
        ],
      }),
    ],
    ['isActionAllowed', fixed({ userId: USER, action: 'delete', resource: 'lead:9', namespace: 'crm' })],
    ['isActionAllowed', fixed({ userId: USER, action: 'delete', resource: 'lead:9' })],
  ],
  namespaces: [
    ['createNamespace', fixed({ code: 'crm', name: 'CRM' })],
    ['createNamespace', fixed({ code: 'crm', name: 'CRM' })],
    ['getNamespace', fixed({ code: 'crm' })],
    ['listNamespaces', fixed({})],
    ['deleteNamespace', fixed({ code: 'crm' })],
  ],
  applications: [
    ['createApplication', fixed({ appName: 'Shop', appType: 'web', redirectUris: ['http://localhost:3001/cb'] })],
    ['getApplicationSimpleInfo', (a) => ({ appId: a[0]!.data.appId })],
    ['updateApplication', (a) => ({ appId: a[0]!.data.appId, appName: 'Shop 2' })],
    [
      'authorizeApplicationAccess',
      (a) => ({ appId: a[0]!.data.appId, list: [{ targetType: 'USER', targetIdentifiers: [USER], effect: 'ALLOW' }] }),
    ],
    ['getUserAccessibleApps', fixed({ userId: USER })],
    ['deleteApplication', (a) => ({ appId: a[0]!.data.appId })],
  ],
  mfa: [
    ['getUserMfaInfo', fixed({ userId: USER })],
    ['importOtp', fixed({ list: [{ userId: USER, secret: 'JBSWY3DPEHPK3PXP' }] })],
    ['getOtpSecretByUser', fixed({ userId: USER })],
    ['updateGlobalMfaSettings', fixed({ enabledFactors: ['OTP'] })],
    ['getGlobalMfaSettings', fixed({})],
  ],
  customFields: [
    ['setCustomFields', fixed({ list: [{ targetType: 'USER', key: 'level', dataType: 'NUMBER', label: 'Level' }] })],
    ['setCustomData', fixed({ targetType: 'USER', targetIdentifier: USER, list: [{ key: 'level', value: 'high' }] })],
    ['setCustomData', fixed({ targetType: 'USER', targetIdentifier: USER, list: [{ key: 'level', value: 3 }] })],
    ['getCustomData', fixed({ targetType: 'USER', targetIdentifier: USER })],
  ],
  tenants: [
    ['createTenant', fixed({ name: 'T1' })],
    ['addTenantUsers', (a) => ({ tenantId: a[0]!.data.tenantId, linkUserIds: [USER] })],
    ['listTenantUsers', (a) => ({ tenantId: a[0]!.data.tenantId })],
    ['getTenant', (a) => ({ tenantId: a[0]!.data.tenantId })],
  ],
  sessionsAndLogs: [
    ['kickUsers', () => ({ userId: USER, appIds: [MAIN_APP] })],
    ['getUserLoggedinApps', fixed({ userId: USER })],
    ['getAdminAuditLogs', fixed({ operationType: 'kick' })],
  ],
  records: [
    [
      'createWebhook',
      fixed({ name: 'w', url: 'http://localhost:9/w', events: ['user.created'], contentType: 'application/json' }),
    ],
    ['listWebhooks', fixed({})],
    ['createSyncTask', fixed({ syncTaskName: 's', syncTaskType: 'lark' })],
    ['getSyncTask', (a) => ({ syncTaskId: a[2]!.data.syncTaskId })],
    ['createPipelineFunction', fixed({ funcName: 'f', scene: 'PRE_REGISTER', sourceCode: 'x' })],
    ['listPipelineFunctions', fixed({ scene: 'PRE_REGISTER' })],
    ['updateSecuritySettings', fixed({ verifyCodeLength: 4 })],
    ['getSecuritySettings', fixed({})],
  ],
};
let MAIN_APP = '';

/** Masks what each run generates on its own: ids, secrets, times. */
function normalize(value: unknown): unknown {
  if (typeof value === 'string') {
    if (/^[0-9a-f]{24}$/.test(value) && value !== USER) return '<id>';
    if (/^[0-9a-f]{32,}$/.test(value)) return '<secret>';
    if (/^\d{4}-\d\d-\d\dT/.test(value)) return '<time>';
    return value;
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'loginAt' ? '<time>' : normalize(v)]));
  }
  return value;
}

describe('differential: the official SDK and ours get the same answers from the emulator', () => {
  let theirs: AuthingEmulator;
  let ours: AuthingEmulator;
  let official: InstanceType<typeof authing.ManagementClient>;
  let management: ManagementClient;

  beforeAll(async () => {
    // Both start from the same seed (same main app id too, so kick-users names it the same way).
    theirs = await AuthingEmulator.start({ seed: { ...SEED, app: { appId: 'main-app-000000000000000' } } });
    ours = await AuthingEmulator.start({ seed: { ...SEED, app: { appId: 'main-app-000000000000000' } } });
    MAIN_APP = theirs.app.appId;
    // The official SDK sets axios' global baseURL, so only one official client lives in this process.
    official = new authing.ManagementClient({ ...theirs.accessKey, host: theirs.host });
    management = new ManagementClient({ ...ours.accessKey, host: ours.host, retry: false });
  });

  afterAll(async () => {
    await management.close();
    await theirs.stop();
    await ours.stop();
  });

  it.each(Object.keys(SCENARIOS))('%s', async (family) => {
    const run = async (send: (name: string, args: Data) => Promise<Data>): Promise<Data[]> => {
      const answers: Data[] = [];
      for (const [name, args] of SCENARIOS[family]!) answers.push(await send(name, args(answers)));
      return answers;
    };
    const a = await run((name, args) =>
      (official as unknown as Record<string, (x: Data) => Promise<Data>>)[name]!(args),
    );
    const b = await run(async (name, args) => (await management.callEndpoint(name, args)) as Data);
    const view = (list: Data[]) =>
      list.map((r, i) => ({
        step: SCENARIOS[family]![i]![0],
        statusCode: r.statusCode,
        apiCode: r.apiCode,
        data: normalize(r.data),
      }));
    expect(view(b)).toEqual(view(a));
    // And the scenario did something: at least one success and the effects are real data.
    expect(a.some((r) => r.statusCode === 200 && r.data)).toBe(true);
  });
});
