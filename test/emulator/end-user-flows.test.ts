import { AuthenticationClient } from '../../lib/sdk/authentication/authentication-client.js';
import { ManagementClient } from '../../lib/sdk/management/management-client.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

type Data = Record<string, any>;
type Answer = { statusCode: number; apiCode?: number; message: string; data: Data };

/**
 * The end-user flows as state machines with effects elsewhere: QR code and push sign-in, devices
 * and their sessions, permission requests approved by an administrator, invitation links, binding
 * an external identity, codes checked ahead of use.
 */
describe('emulator: end-user flows and their cross-effects', () => {
  let emulator: AuthingEmulator;
  let management: ManagementClient;
  const clients: AuthenticationClient[] = [];
  const client = (token?: string): AuthenticationClient => {
    const c = new AuthenticationClient({ ...emulator.app, appHost: emulator.appHost });
    if (token) c.setAccessToken(token);
    clients.push(c);
    return c;
  };
  const call = async (c: AuthenticationClient, name: string, args: unknown = {}): Promise<Answer> =>
    (await c.callEndpoint(name, args)) as never;
  const admin = async (name: string, args: unknown = {}): Promise<Answer> =>
    (await management.callEndpoint(name, args)) as never;
  const signIn = async (email: string, password: string, userAgent = 'jest'): Promise<string> => {
    const res = await fetch(`${emulator.appHost}/api/v3/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': userAgent },
      body: JSON.stringify({
        connection: 'PASSWORD',
        passwordPayload: { email, password },
        client_id: emulator.app.appId,
        client_secret: emulator.app.appSecret,
      }),
    });
    const body = (await res.json()) as Answer;
    expect(body.statusCode).toBe(200);
    return body.data.access_token as string;
  };

  beforeAll(async () => {
    emulator = await AuthingEmulator.start({
      seed: {
        users: [
          { email: 'amy@example.com', password: 'amy-pass-1', name: 'Amy' },
          { email: 'bob@example.com', password: 'bob-pass-1', name: 'Bob' },
        ],
      },
    });
    management = new ManagementClient({ ...emulator.accessKey, host: emulator.host, retry: false });
  });

  afterAll(async () => {
    await management.close();
    await emulator.stop();
  });

  it('signs a web page in by QR code: scan, confirm, one-time ticket, custom data and history', async () => {
    const web = client();
    const qr = await call(web, 'geneQrCode', { type: 'MOBILE_APP', customData: { seat: '12A' } });
    const qrcodeId = qr.data.qrcodeId as string;
    expect((await call(web, 'checkQrCodeStatus', { qrcodeId })).data).toEqual({ status: 'PENDING' });
    const app = client(await signIn('amy@example.com', 'amy-pass-1'));
    const other = client(await signIn('bob@example.com', 'bob-pass-1'));
    expect((await call(app, 'changeQrCodeStatus', { qrcodeId, action: 'CONFIRM' })).apiCode).toBe(9400);
    expect((await call(app, 'changeQrCodeStatus', { qrcodeId, action: 'SCAN' })).statusCode).toBe(200);
    expect((await call(web, 'getQrCodeStatus', { qrcodeId })).data).toEqual({
      status: 'SCANNED',
      briefUserInfo: { displayName: 'Amy', photo: '' },
    });
    expect((await call(other, 'changeQrCodeStatus', { qrcodeId, action: 'CONFIRM' })).apiCode).toBe(9400);
    expect((await call(app, 'changeQrCodeStatus', { qrcodeId, action: 'CONFIRM' })).statusCode).toBe(200);
    const authorized = await call(web, 'checkQrCodeStatus', { qrcodeId });
    expect(authorized.data.status).toBe('AUTHORIZED');
    const exchange = {
      ticket: authorized.data.ticket,
      client_id: emulator.app.appId,
      client_secret: emulator.app.appSecret,
    };
    const tokens = await call(web, 'exchangeTokenSetWithQrCodeTicket', exchange);
    expect(tokens.data.token_type).toBe('Bearer');
    expect((await call(web, 'exchangeTokenSetWithQrCodeTicket', exchange)).apiCode).toBe(9400);
    const signedIn = client(tokens.data.access_token);
    expect((await call(signedIn, 'getProfile')).data.email).toBe('amy@example.com');
    const userId = emulator.findUser('amy@example.com')!.userId;
    const user = await admin('getUser', { userId, withCustomData: true });
    expect(user.data.customData).toMatchObject({ seat: '12A' });
    const history = await call(signedIn, 'getLoginHistory');
    expect(history.data.list.map((r: Data) => r.loginMethod)).toContain('QRCODE');
  });

  it('signs an app in from a QR code a signed-in web session shows', async () => {
    const web = client(await signIn('bob@example.com', 'bob-pass-1'));
    const qr = await call(web, 'geneQrCode', { type: 'MOBILE_APP' });
    const mobile = client();
    const tokens = await call(mobile, 'qrCodeAppLogin', { qrcodeId: qr.data.qrcodeId, action: 'APP_LOGIN' });
    expect((await call(client(tokens.data.access_token), 'getProfile')).data.email).toBe('bob@example.com');
    expect((await call(web, 'getAppLoginQrCodeStatus', { qrcodeId: qr.data.qrcodeId })).data.status).toBe('AUTHORIZED');
    expect((await call(mobile, 'qrCodeAppLogin', { qrcodeId: qr.data.qrcodeId, action: 'APP_LOGIN' })).apiCode).toBe(
      9400,
    );
  });

  it('signs in by push: only the pushed user confirms, the page gets the tokens once', async () => {
    const page = client();
    const pushed = await call(page, 'signInByPush', { account: 'amy@example.com' });
    const pushCodeId = pushed.data.pushCodeId as string;
    expect(pushed.data.expireTime).toBe(120);
    expect((await call(page, 'checkPushCodeStatus', { pushCodeId })).data).toEqual({ status: 'PUSHED' });
    const relation = await call(page, 'getPushLoginRelationApps', { pushCodeId, appId: emulator.app.appId });
    expect(relation.data).toEqual({ appIds: [emulator.app.appId] });
    const bob = client(await signIn('bob@example.com', 'bob-pass-1'));
    expect((await call(bob, 'changePushCodeStatus', { pushCodeId, action: 'CONFIRM' })).apiCode).toBe(9400);
    const amy = client(await signIn('amy@example.com', 'amy-pass-1'));
    expect((await call(amy, 'changePushCodeStatus', { pushCodeId, action: 'CONFIRM' })).statusCode).toBe(200);
    const status = await call(page, 'checkPushCodeStatus', { pushCodeId });
    expect(status.data.status).toBe('AUTHORIZED');
    expect((await call(client(status.data.tokenSet.access_token), 'getProfile')).data.email).toBe('amy@example.com');
    expect((await call(page, 'checkPushCodeStatus', { pushCodeId })).data).toEqual({ status: 'AUTHORIZED' });
    expect((await call(page, 'signInByPush', { account: 'nobody@example.com' })).apiCode).toBe(2004);
  });

  it("lists the user's devices; revoking one's session ends its tokens only, unbinding forgets it", async () => {
    const phone = client(
      await signIn('bob@example.com', 'bob-pass-1', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile'),
    );
    const laptop = client(await signIn('bob@example.com', 'bob-pass-1', 'Mozilla/5.0 (Windows NT 10.0) Chrome/120'));
    const devices = (await call(laptop, 'list', { page: 1, limit: 10 })).data as Data[];
    const mobile = devices.find((d) => d.device.type === 'Mobile')!;
    expect(mobile).toMatchObject({ online: true, device: { os: 'iOS', status: 'activated' } });
    expect(devices.find((d) => d.device.os === 'Windows')).toMatchObject({ online: true });
    expect((await call(laptop, 'revoke', { deviceId: mobile.device.deviceId })).statusCode).toBe(200);
    expect((await call(phone, 'getProfile')).apiCode).toBe(2020);
    expect((await call(laptop, 'getProfile')).statusCode).toBe(200);
    const after = (await call(laptop, 'list', {})).data as Data[];
    expect(after.find((d) => d.device.deviceId === mobile.device.deviceId)!.online).toBe(false);
    expect((await call(laptop, 'unbind', { deviceId: mobile.device.deviceId })).statusCode).toBe(200);
    const left = (await call(laptop, 'list', {})).data as Data[];
    expect(left.map((d) => d.device.deviceId)).not.toContain(mobile.device.deviceId);
    expect((await call(laptop, 'unbind', { deviceId: mobile.device.deviceId })).apiCode).toBe(9410);
  });

  it('files permission requests the administrator agrees to: the role and the app become the user’s', async () => {
    const amy = client(await signIn('amy@example.com', 'amy-pass-1'));
    const role = await admin('createRole', { code: 'auditor', name: 'Auditor' });
    const applicable = await call(amy, 'getEnablePermissionApplyRoleList', { keyword: 'audit' });
    expect(applicable.data.list).toEqual([expect.objectContaining({ roleId: role.data.id, code: 'auditor' })]);
    const filed = await call(amy, 'createApproval', { objectType: 'ROLE_PERMISSION_APPLY', objectId: role.data.id });
    const number = filed.data.number as string;
    expect((await call(amy, 'getDetail', { number })).data).toMatchObject({ status: 'PENDING' });
    expect((await admin('pendList', {})).data.list.map((r: Data) => r.number)).toContain(number);
    expect((await admin('processApproval', { number, isAgreed: true })).statusCode).toBe(200);
    expect((await admin('processApproval', { number, isAgreed: false })).apiCode).toBe(9400);
    expect((await call(amy, 'getRoleList')).data.map((r: Data) => r.code)).toContain('auditor');
    // Same path for both APIs: signed, it is the administrator's view; with a user token, the applicant's.
    expect((await admin('getDetail', { number })).data).toMatchObject({ number, status: 'AGREED' });
    const bob = client(await signIn('bob@example.com', 'bob-pass-1'));
    expect((await call(bob, 'getDetail', { number })).apiCode).toBe(9410);
    expect((await call(amy, 'getEnablePermissionApplyRoleList', { keyword: 'audit' })).data.list).toEqual([]);
    const initiated = await call(amy, 'initiatedList', { objectType: 'ROLE_PERMISSION_APPLY' });
    expect(initiated.data.list[0]).toMatchObject({
      number,
      status: 'AGREED',
      approvalObjectList: { roleCode: 'auditor' },
    });

    const app = await admin('createApplication', { appName: 'Vault', appType: 'web', redirectUris: ['http://x/cb'] });
    const bobId = emulator.findUser('bob@example.com')!.userId;
    await admin('authorizeApplicationAccess', {
      appId: app.data.appId,
      list: [{ targetType: 'USER', targetIdentifiers: [bobId], effect: 'ALLOW' }],
    });
    const accessible = async () => ((await call(amy, 'getAccessibleApps')).data as Data[]).map((a) => a.appId);
    expect(await accessible()).not.toContain(app.data.appId);
    await call(amy, 'batchCreateApproval', { objectType: 'APP_PERMISSION_APPLY', objectIds: [app.data.appId] });
    const pending = (await admin('pendList', { objectType: 'APP_PERMISSION_APPLY' })).data.list as Data[];
    await admin('batchProcessApproval', { numbers: pending.map((r) => r.number), isAgreed: true });
    expect(await accessible()).toContain(app.data.appId);
    expect((await admin('closedList', {})).data.totalCount).toBe(2);
  });

  it('invites through a member link once the administrator allows it, and revokes the links', async () => {
    const amy = client(await signIn('amy@example.com', 'amy-pass-1'));
    expect((await call(amy, 'generateUniversalInvitationByMember')).apiCode).toBe(9400);
    await admin('updateUniversalInvitation', { enabledMemberInvitation: true });
    const link = (await call(amy, 'generateUniversalInvitationByMember')).data.link as string;
    const identifier = new URL(link).searchParams.get('identifier')!;
    const anonymous = client();
    const config = await call(anonymous, 'getUniversalInvitationPublicConfig', { identifier });
    expect(config.data.inviter).toEqual({ displayName: 'Amy' });
    await call(anonymous, 'sendEmail', { email: 'cat@example.com', channel: 'CHANNEL_REGISTER' });
    const wrong = { identifier, emailCode: 'nope', profile: { name: 'Cat', email: 'cat@example.com' } };
    expect((await call(anonymous, 'signupByUniversal', wrong)).apiCode).toBe(2001);
    await call(anonymous, 'sendEmail', { email: 'cat@example.com', channel: 'CHANNEL_REGISTER' });
    const joined = await call(anonymous, 'signupByUniversal', {
      ...wrong,
      emailCode: emulator.lastPasscode('cat@example.com'),
    });
    expect(joined.data).toEqual({ status: 'PASSED' });
    expect((await admin('getUser', { userId: 'cat@example.com', userIdType: 'email' })).data.name).toBe('Cat');
    await call(amy, 'clearMyAllUniversalInvitationLinks');
    expect((await call(anonymous, 'getUniversalInvitationPublicConfig', { identifier })).apiCode).toBe(9410);
  });

  it('binds an external account on first sign-in; the identity then signs in directly until unlinked', async () => {
    const idp = await admin('createExtIdp', { name: 'WeChat', type: 'wechat' });
    const conn = await admin('createExtIdpConn', {
      extIdpId: idp.data.id,
      type: 'wechatMobile',
      identifier: 'wx-mobile',
      displayName: 'WeChat',
      fields: {},
    });
    const mobile = client();
    const first = await call(mobile, 'authByCodeIdentity', { code: 'wx-user-1', connId: conn.data.id });
    expect(first.data.key).toEqual(expect.any(String));
    const bad = { key: first.data.key, action: 'bind', account: 'bob@example.com', password: 'wrong' };
    expect((await call(mobile, 'bindByAccount', bad)).apiCode).toBe(2006);
    const bound = await call(mobile, 'bindByAccount', { ...bad, password: 'bob-pass-1' });
    const bob = client(bound.data.access_token);
    expect((await call(bob, 'getIdentities')).data).toEqual([
      expect.objectContaining({ extIdpId: idp.data.id, userIdInIdp: 'wx-user-1' }),
    ]);
    const bobId = emulator.findUser('bob@example.com')!.userId;
    expect((await admin('getUserIdentities', { userId: bobId })).data).toHaveLength(1);
    const again = await call(mobile, 'authByCodeIdentity', { code: 'wx-user-1', connId: conn.data.id });
    expect((await call(client(again.data.access_token), 'getProfile')).data.userId).toBe(bobId);
    await call(bob, 'unlinkExtIdp', { extIdpId: idp.data.id });
    expect(
      (await call(mobile, 'authByCodeIdentity', { code: 'wx-user-1', connId: conn.data.id })).data.key,
    ).toBeDefined();

    const viaMobile = await call(mobile, 'signInByMobile', {
      connection: 'wechat',
      extIdpConnidentifier: 'wx-mobile',
      wechatPayload: { code: 'dan@example.com' },
      client_id: emulator.app.appId,
      client_secret: emulator.app.appSecret,
    });
    const dan = client(viaMobile.data.access_token);
    expect((await call(dan, 'getProfile')).data.email).toBe('dan@example.com');
    expect((await call(dan, 'getIdentities')).data).toEqual([
      expect.objectContaining({ userIdInIdp: 'dan@example.com' }),
    ]);
  });

  it('pre-checks a code without using it up', async () => {
    const anonymous = client();
    await call(anonymous, 'sendSms', { phoneNumber: '13800000000', channel: 'CHANNEL_LOGIN' });
    const code = emulator.lastPasscode('13800000000')!;
    const check = (passCode: string) =>
      call(anonymous, 'preCheckCode', {
        codeType: 'SMS',
        smsCodePayload: { phone: '13800000000', passCode, channel: 'CHANNEL_LOGIN' },
      });
    expect((await check('000000x')).data).toEqual({ isValid: false });
    expect((await check(code)).data).toEqual({ isValid: true });
    expect((await check(code)).data).toEqual({ isValid: true });
    expect((await call(anonymous, 'preCheckCode', { codeType: 'FAX' })).apiCode).toBe(9400);
  });
});
