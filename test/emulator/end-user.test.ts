import { AuthenticationClient } from '../../lib/sdk/authentication/authentication-client.js';
import { ManagementClient } from '../../lib/sdk/management/management-client.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { totp } from '../../lib/testing/api/totp.js';

type Data = Record<string, any>;
type Answer = { statusCode: number; apiCode?: number; data: Data };

/** The signed-in user's own API: MFA enrolment with real TOTP codes, account security flows, own data. */
describe('emulator: end-user API families', () => {
  let emulator: AuthingEmulator;
  let auth: AuthenticationClient;
  let management: ManagementClient;
  const call = async (name: string, args: unknown = {}): Promise<Answer> =>
    (await auth.callEndpoint(name, args)) as never;

  beforeAll(async () => {
    emulator = await AuthingEmulator.start({
      seed: { users: [{ email: 'eve@example.com', password: 'eve-pass-1' }] },
    });
    auth = new AuthenticationClient({ ...emulator.app, appHost: emulator.appHost });
    management = new ManagementClient({ ...emulator.accessKey, host: emulator.host, retry: false });
    const login = await auth.signInByEmailPassword({ email: 'eve@example.com', password: 'eve-pass-1' });
    auth.setAccessToken((login.data as Data).access_token);
  });

  afterAll(async () => {
    await management.close();
    await emulator.stop();
  });

  it('enrols an OTP factor only with a code computed from the secret it handed out', async () => {
    expect((await call('listFactorsToEnroll')).data).toEqual([{ factorType: 'OTP' }]);
    const request = await call('sendEnrollFactorRequest', { factorType: 'OTP', profile: {} });
    const { enrollmentToken, otpData } = request.data as { enrollmentToken: string; otpData: { secret: string } };
    const wrong = String((Number(totp(otpData.secret)) + 1) % 1_000_000).padStart(6, '0');
    const refused = await call('enrollFactor', {
      factorType: 'OTP',
      enrollmentToken,
      enrollmentData: { passCode: wrong },
    });
    expect(refused.apiCode).toBe(2001);
    const enrolled = await call('enrollFactor', {
      factorType: 'OTP',
      enrollmentToken,
      enrollmentData: { passCode: totp(otpData.secret) },
    });
    expect(enrolled.statusCode).toBe(200);
    expect((await call('listEnrolledFactors')).data).toEqual([expect.objectContaining({ factorType: 'OTP' })]);
    expect((await call('mfaOtpVerify', { totp: totp(otpData.secret) })).data).toEqual({ valid: true });
    const userId = emulator.findUser('eve@example.com')!.userId;
    const info = (await management.callEndpoint('getUserMfaInfo', { userId })) as Answer;
    expect(info.data.totpStatus).toBe('ENABLE');
    const secret = (await management.callEndpoint('getOtpSecretByUser', { userId })) as Answer;
    expect(secret.data.secret).toBe(otpData.secret);
  });

  it('changes the email with a code sent to the new address, and resets the password by email code', async () => {
    await call('sendEmail', { email: 'eve2@example.com', channel: 'CHANNEL_UPDATE_EMAIL' });
    const bad = await call('verifyUpdateEmailRequest', {
      verifyMethod: 'EMAIL_PASSCODE',
      emailPassCodePayload: { email: 'eve2@example.com', passCode: '000000x' },
    });
    expect(bad.apiCode).toBe(2001);
    await call('sendEmail', { email: 'eve2@example.com', channel: 'CHANNEL_UPDATE_EMAIL' });
    const verified = await call('verifyUpdateEmailRequest', {
      verifyMethod: 'EMAIL_PASSCODE',
      emailPassCodePayload: { email: 'eve2@example.com', passCode: emulator.lastPasscode('eve2@example.com') },
    });
    expect((await call('updateEmail', { updateEmailToken: verified.data.updateEmailToken })).statusCode).toBe(200);
    expect((await call('getProfile', {})).data.email).toBe('eve2@example.com');

    await call('sendEmail', { email: 'eve2@example.com', channel: 'CHANNEL_RESET_PASSWORD' });
    const reset = await call('verifyResetPasswordRequest', {
      verifyMethod: 'EMAIL_PASSCODE',
      emailPassCodePayload: { email: 'eve2@example.com', passCode: emulator.lastPasscode('eve2@example.com') },
    });
    const token = reset.data.passwordResetToken as string;
    expect((await call('resetPassword', { password: 'new-pass-2', passwordResetToken: token })).statusCode).toBe(200);
    expect((await call('resetPassword', { password: 'x', passwordResetToken: token })).apiCode).toBe(9400);
    const login = await auth.signInByEmailPassword({ email: 'eve2@example.com', password: 'new-pass-2' });
    expect(login.statusCode).toBe(200);
    expect((await call('getLoginHistory', {})).data.totalCount).toBeGreaterThanOrEqual(2);
  });

  it('reads own departments and checks own permissions', async () => {
    const userId = emulator.findUser('eve2@example.com')!.userId;
    const org = (await management.callEndpoint('createOrganization', {
      organizationCode: 'o',
      organizationName: 'O',
    })) as Answer;
    await management.callEndpoint('addDepartmentMembers', {
      organizationCode: 'o',
      departmentId: org.data.departmentId,
      userIds: [userId],
    });
    expect((await call('getDepartmentList', {})).data.list).toEqual([
      expect.objectContaining({ departmentId: org.data.departmentId }),
    ]);
    await management.callEndpoint('createResource', { code: 'doc', type: 'DATA', actions: [{ name: 'read' }] });
    await management.callEndpoint('authorizeResources', {
      list: [{ targetType: 'USER', targetIdentifiers: [userId], resources: [{ code: 'doc', actions: ['read'] }] }],
    });
    const checked = await call('checkPermissionByStringResource', { resources: ['doc', 'other'], action: 'read' });
    expect(checked.data.checkResultList.map((r: Data) => r.enabled)).toEqual([true, false]);
  });
});
