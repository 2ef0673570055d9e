import authing from 'authing-node-sdk';
import { AuthenticationClient } from '../../lib/sdk/authentication/authentication-client.js';
import { ManagementClient } from '../../lib/sdk/management/management-client.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import type { EmulatorSeed } from '../../lib/testing/types.js';
import { SoftAuthenticator } from './support/soft-authenticator.js';

type Data = Record<string, any>;
/** Who calls: anonymous, a signed-in seed user, the administrator, or the holder of a token given in the args. */
type Caller = 'anon' | 'amy' | 'bob' | 'admin' | 'token';
/** One call: caller, SDK method, its argument built from the answers so far (`token` callers take `__token`). */
type Step = [caller: Caller, name: string, args: (answers: Data[]) => Data];

const APP = { appId: 'diff-app-0000000000000000', appSecret: 'diff-secret-00000000000000000000' };
const CLIENT = { client_id: APP.appId, client_secret: APP.appSecret };
const SEED: EmulatorSeed = {
  app: APP,
  users: [
    { userId: 'a00000000000000000000001', email: 'amy@example.com', password: 'amy-pass-1', name: 'Amy' },
    { userId: 'b00000000000000000000002', email: 'bob@example.com', password: 'bob-pass-1', name: 'Bob' },
  ],
};
const fixed = (args: Data) => () => args;
const token = (a: Data[], i: number): string => a[i]!.data.access_token ?? a[i]!.data.tokenSet.access_token;

const PASSKEY = new SoftAuthenticator('differential-key');

/** The families served since the end-user API grew past 80 entries, as apps call them. */
const SCENARIOS: Record<string, Step[]> = {
  qrcode: [
    ['anon', 'geneQrCode', fixed({ type: 'MOBILE_APP', customData: { seat: '1A' } })],
    ['anon', 'checkQrCodeStatus', (a) => ({ qrcodeId: a[0]!.data.qrcodeId })],
    ['amy', 'changeQrCodeStatus', (a) => ({ qrcodeId: a[0]!.data.qrcodeId, action: 'SCAN' })],
    ['anon', 'getQrCodeStatus', (a) => ({ qrcodeId: a[0]!.data.qrcodeId })],
    ['bob', 'setQrCodeStatus', (a) => ({ qrcodeId: a[0]!.data.qrcodeId, action: 'CONFIRM' })],
    ['amy', 'changeQrCodeStatus', (a) => ({ qrcodeId: a[0]!.data.qrcodeId, action: 'CONFIRM' })],
    ['anon', 'checkQrCodeStatus', (a) => ({ qrcodeId: a[0]!.data.qrcodeId })],
    ['anon', 'exchangeTokenSetWithQrCodeTicket', (a) => ({ ticket: a[6]!.data.ticket, ...CLIENT })],
    ['anon', 'exchangeTokenSetWithQrCodeTicket', (a) => ({ ticket: a[6]!.data.ticket, ...CLIENT })],
    ['token', 'getProfile', (a) => ({ __token: token(a, 7), withCustomData: true })],
    ['bob', 'geneQrCode', fixed({ type: 'MOBILE_APP' })],
    ['anon', 'qrCodeAppLogin', (a) => ({ qrcodeId: a[10]!.data.qrcodeId, action: 'APP_LOGIN' })],
    ['anon', 'getAppLoginQrCodeStatus', (a) => ({ qrcodeId: a[10]!.data.qrcodeId })],
    ['anon', 'geneQrCode', fixed({ type: 'WECHAT_MINIPROGRAM' })],
  ],
  push: [
    ['anon', 'signInByPush', fixed({ account: 'amy@example.com' })],
    ['anon', 'checkPushCodeStatus', (a) => ({ pushCodeId: a[0]!.data.pushCodeId })],
    ['anon', 'getPushLoginRelationApps', (a) => ({ pushCodeId: a[0]!.data.pushCodeId, appId: APP.appId })],
    ['bob', 'changePushCodeStatus', (a) => ({ pushCodeId: a[0]!.data.pushCodeId, action: 'CONFIRM' })],
    ['amy', 'setPushCodeStatus', (a) => ({ pushCodeId: a[0]!.data.pushCodeId, action: 'CONFIRM' })],
    ['anon', 'checkPushCodeStatus', (a) => ({ pushCodeId: a[0]!.data.pushCodeId })],
    ['token', 'getProfile', (a) => ({ __token: token(a, 5) })],
    ['anon', 'checkPushCodeStatus', (a) => ({ pushCodeId: a[0]!.data.pushCodeId })],
    ['anon', 'signInByPush', fixed({ account: 'nobody@example.com' })],
  ],
  devices: [
    ['bob', 'list', fixed({ page: 1, limit: 10 })],
    ['bob', 'revoke', (a) => ({ deviceId: a[0]!.data[0].device.deviceId })],
    ['bob', 'getProfile', fixed({})],
    ['amy', 'unbind', fixed({ deviceId: 'no-such-device' })],
    ['amy', 'unbind', (a) => ({ deviceId: a[0]!.data[0].device.deviceId })],
  ],
  approvals: [
    ['admin', 'createRole', fixed({ code: 'auditor', name: 'Auditor' })],
    ['amy', 'getEnablePermissionApplyRoleList', fixed({ keyword: 'aud' })],
    ['amy', 'getEnablePermissionApplyApplicationList', fixed({})],
    ['amy', 'createApproval', (a) => ({ objectType: 'ROLE_PERMISSION_APPLY', objectId: a[0]!.data.id })],
    ['amy', 'batchCreateApproval', fixed({ objectType: 'APP_PERMISSION_APPLY', objectIds: [APP.appId] })],
    ['amy', 'createApproval', fixed({ objectType: 'ROLE_PERMISSION_APPLY', objectId: 'missing' })],
    ['admin', 'processApproval', (a) => ({ number: a[3]!.data.number, isAgreed: true })],
    ['amy', 'getDetail', (a) => ({ number: a[3]!.data.number })],
    ['amy', 'initiatedList', fixed({ pageNo: 1, pageSize: 10 })],
    ['amy', 'getRoleList', fixed({})],
    ['bob', 'getDetail', (a) => ({ number: a[3]!.data.number })],
  ],
  invitations: [
    ['amy', 'generateUniversalInvitationByMember', fixed({})],
    ['admin', 'updateUniversalInvitation', fixed({ enabledMemberInvitation: true })],
    ['amy', 'generateUniversalInvitationByMember', fixed({})],
    [
      'anon',
      'getUniversalInvitationPublicConfig',
      (a) => ({ identifier: new URL(a[2]!.data.link).searchParams.get('identifier') }),
    ],
    [
      'anon',
      'signupByUniversal',
      (a) => ({
        identifier: new URL(a[2]!.data.link).searchParams.get('identifier'),
        emailCode: 'wrong',
        profile: { name: 'Cat', email: 'cat@example.com' },
      }),
    ],
    ['amy', 'clearMyAllUniversalInvitationLinks', fixed({})],
    [
      'anon',
      'getUniversalInvitationPublicConfig',
      (a) => ({ identifier: new URL(a[2]!.data.link).searchParams.get('identifier') }),
    ],
  ],
  identityBinding: [
    ['admin', 'createExtIdp', fixed({ name: 'WeChat', type: 'wechat' })],
    [
      'admin',
      'createExtIdpConn',
      (a) => ({ extIdpId: a[0]!.data.id, type: 'wechatMobile', identifier: 'wx', displayName: 'WX', fields: {} }),
    ],
    ['anon', 'authByCodeIdentity', (a) => ({ code: 'bob@example.com', connId: a[1]!.data.id, appId: APP.appId })],
    ['anon', 'bindByAccount', (a) => ({ key: a[2]!.data.key, action: 'bind', account: 'bob', password: 'x' })],
    ['anon', 'selectAccount', (a) => ({ key: a[2]!.data.key, action: 'bind', account: 'bob@example.com' })],
    ['bob', 'getIdentities', fixed({})],
    ['anon', 'authByCodeIdentity', (a) => ({ code: 'bob@example.com', connId: a[1]!.data.id, appId: APP.appId })],
    ['anon', 'authByCodeIdentity', (a) => ({ code: 'wx-9', connId: a[1]!.data.id, appId: APP.appId })],
    ['anon', 'registerNewUser', (a) => ({ key: a[7]!.data.key, action: 'register' })],
    ['token', 'getIdentities', (a) => ({ __token: token(a, 8) })],
    [
      'anon',
      'bindByAccountId',
      (a) => ({ key: a[7]!.data.key, action: 'bind', accountId: 'b00000000000000000000002' }),
    ],
    [
      'anon',
      'signInByMobile',
      fixed({ connection: 'wechat', extIdpConnidentifier: 'wx', wechatPayload: { code: 'wx-10' }, ...CLIENT }),
    ],
    ['bob', 'unlinkExtIdp', (a) => ({ extIdpId: a[0]!.data.id })],
    ['bob', 'getIdentities', fixed({})],
  ],
  webauthn: [
    ['amy', 'initRegisterOptions', fixed({})],
    [
      'amy',
      'verifyRegister',
      (a) => ({
        ticket: a[0]!.data.ticket,
        registrationCredential: PASSKEY.create({ ...a[0]!.data.registrationOptions, challenge: 'forged' }),
      }),
    ],
    ['amy', 'webAuthnRegisterInitalize', fixed({})],
    [
      'amy',
      'verifyRegister',
      (a) => ({
        ticket: a[2]!.data.ticket,
        authenticatorCode: 'face',
        registrationCredential: PASSKEY.create(a[2]!.data.registrationOptions),
      }),
    ],
    ['amy', 'listWebAuthnCredentials', fixed({ page: 1, limit: 10 })],
    ['amy', 'checkValidCredentialsByCredIds', fixed({ credIds: [PASSKEY.credentialId, 'x'] })],
    ['anon', 'initAuthenticationOptions', fixed({})],
    [
      'anon',
      'verifyAuthentication',
      (a) => ({ ticket: a[6]!.data.ticket, authenticationCredential: PASSKEY.get(a[6]!.data.authenticationOptions) }),
    ],
    ['token', 'getProfile', (a) => ({ __token: token(a, 7) })],
    ['bob', 'webAuthnMfaVerifyInitalize', fixed({})],
    [
      'anon',
      'webAuthnLoginFinalize',
      (a) => ({ ticket: a[9]!.data.ticket, credential: PASSKEY.get(a[9]!.data.authenticationOptions) }),
    ],
    ['amy', 'removeAllCredentials', fixed({ authenticatorCode: 'face' })],
    ['amy', 'listCredentialsByPage', fixed({})],
  ],
  codes: [
    [
      'anon',
      'preCheckCode',
      fixed({
        codeType: 'EMAIL',
        emailCodePayload: { email: 'amy@example.com', passCode: '1', channel: 'CHANNEL_LOGIN' },
      }),
    ],
    ['anon', 'preCheckCode', fixed({ codeType: 'SMS' })],
    ['anon', 'preCheckCode', fixed({ codeType: 'VOICE' })],
  ],
};

/** Masks what each run generates on its own: ids, secrets, tokens, times, the HTTP client's user agent. */
function normalize(value: unknown, key = ''): unknown {
  if (key === 'device' && value && typeof value === 'object') {
    // Devices are told apart by user agent, and the two SDKs' HTTP clients send different ones.
    return { ...(normalize(value) as Data), name: '<ua>', os: '<ua>', userAgent: '<ua>' };
  }
  if (key === 'challenge') return '<challenge>';
  if (typeof value === 'string') {
    if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value)) return '<jwt>';
    if (/^[0-9a-f]{24}$/.test(value) && !/^[ab]0{17}/.test(value)) return '<id>';
    if (/^[0-9a-f]{32,}$/.test(value)) return '<secret>';
    if (/^\d{4}-\d\d-\d\dT/.test(value)) return '<time>';
    return value.replace(/[0-9a-f]{24,}/g, '<id>').replace(/127\.0\.0\.1:\d+/g, '<host>');
  }
  if (Array.isArray(value)) return value.map((v) => normalize(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, k)]));
  }
  return value;
}

describe('differential: the official AuthenticationClient and ours get the same answers from the emulator', () => {
  const started: AuthingEmulator[] = [];
  const closers: (() => Promise<void>)[] = [];

  afterAll(async () => {
    for (const close of closers) await close();
    for (const emulator of started) await emulator.stop();
  });

  /** A fresh emulator from the seed, the admin client and the seed users' tokens. */
  const boot = async () => {
    const emulator = await AuthingEmulator.start({ seed: SEED });
    started.push(emulator);
    const admin = new ManagementClient({ ...emulator.accessKey, host: emulator.host, retry: false });
    closers.push(() => admin.close());
    const tokens: Record<string, string> = {};
    for (const [who, password] of [
      ['amy', 'amy-pass-1'],
      ['bob', 'bob-pass-1'],
    ] as const) {
      const res = await fetch(`${emulator.appHost}/api/v3/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'differential' },
        body: JSON.stringify({
          connection: 'PASSWORD',
          passwordPayload: { email: `${who}@example.com`, password },
          ...CLIENT,
        }),
      });
      tokens[who] = ((await res.json()) as Data).data.access_token;
    }
    return { emulator, admin, tokens };
  };

  it.each(Object.keys(SCENARIOS))('%s', async (family) => {
    const run = async (side: 'official' | 'ours'): Promise<Data[]> => {
      const { emulator, admin, tokens } = await boot();
      const call = async (caller: Caller, name: string, raw: Data): Promise<Data> => {
        if (caller === 'admin') return (await admin.callEndpoint(name, raw)) as Data;
        const { __token, ...args } = raw;
        const accessToken = caller === 'token' ? (__token as string) : caller === 'anon' ? undefined : tokens[caller];
        if (side === 'official') {
          const client = new authing.AuthenticationClient({ ...APP, appHost: emulator.appHost, accessToken } as never);
          return (client as unknown as Record<string, (x: Data) => Promise<Data>>)[name]!(args);
        }
        const client = new AuthenticationClient({ ...APP, appHost: emulator.appHost });
        if (accessToken) client.setAccessToken(accessToken);
        return (await client.callEndpoint(name, args)) as Data;
      };
      const answers: Data[] = [];
      for (const [caller, name, args] of SCENARIOS[family]!) answers.push(await call(caller, name, args(answers)));
      return answers;
    };
    const a = await run('official');
    const b = await run('ours');
    const view = (list: Data[]) =>
      list.map((r, i) => ({
        step: SCENARIOS[family]![i]![1],
        statusCode: r.statusCode,
        apiCode: r.apiCode,
        data: normalize(r.data),
      }));
    expect(view(b)).toEqual(view(a));
    // The scenario did something: it has successes and refusals, and the successes carry data.
    expect(a.filter((r) => r.statusCode === 200 && r.data).length).toBeGreaterThan(0);
    expect(a.some((r) => r.statusCode !== 200)).toBe(true);
  });
});
