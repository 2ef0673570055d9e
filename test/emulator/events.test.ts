import authing from 'authing-node-sdk';
import { AuthingArgumentError } from '../../lib/sdk/errors.js';
import { AuthenticationClient } from '../../lib/sdk/authentication/authentication-client.js';
import { ManagementClient } from '../../lib/sdk/management/management-client.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

/** Resolves with the first message, or rejects after `ms`. */
function nextMessage(register: (cb: (data: string) => void) => void, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no event received')), ms);
    register((data) => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('emulator: event subscription socket', () => {
  let emulator: AuthingEmulator;
  let management: ManagementClient;

  beforeAll(async () => {
    emulator = await AuthingEmulator.start();
    management = new ManagementClient({
      ...emulator.accessKey,
      host: emulator.host,
      socketUri: emulator.socketUri,
      retry: false,
    });
  });

  afterAll(async () => {
    await management.close();
    await emulator.stop();
  });

  it("delivers authing.user.created to the official SDK's sub and to ours", async () => {
    const official = new authing.ManagementClient({
      ...emulator.accessKey,
      host: emulator.host,
      socketUri: emulator.socketUri,
      retryTimes: 0,
    } as never);
    const errors: unknown[] = [];
    const theirs = nextMessage((cb) => official.sub('authing.user.created', cb, (e: unknown) => errors.push(e)));
    let stop = (): void => undefined;
    const mine = nextMessage((cb) => {
      stop = management.sub('authing.user.created', cb);
    });
    await until(() => emulator.eventSubscriberCount('authing.user.created') === 2);
    const created = await management.createUser({ email: 'ivy@example.com' });
    for (const message of [await theirs, await mine]) {
      expect(JSON.parse(message)).toMatchObject({
        eventType: 'authing.user.created',
        data: { userId: created.data.userId, email: 'ivy@example.com' },
      });
    }
    stop();
    await until(() => emulator.eventSubscriberCount('authing.user.created') === 1);
    expect(errors).toEqual([]);
  });

  it('publishes pub-event data to its subscribers and refuses unsigned or wrongly signed sockets', async () => {
    const received = nextMessage((cb) => management.sub('order.paid', cb));
    await until(() => emulator.eventSubscriberCount('order.paid') === 1);
    await management.pub('order.paid', JSON.stringify({ orderId: 'o-1' }));
    expect(JSON.parse(await received)).toEqual({ orderId: 'o-1' });

    const forged = new ManagementClient({
      accessKeyId: emulator.accessKey.accessKeyId,
      accessKeySecret: 'not-the-secret',
      host: emulator.host,
      socketUri: emulator.socketUri,
      retryTimes: 0,
    });
    const error = await new Promise<Error>((resolve) => forged.sub('order.paid', () => undefined, resolve));
    expect(error.message).not.toContain('not-the-secret');
    expect(emulator.eventSubscriberCount('order.paid')).toBe(1);
    await forged.close();
  });

  it("delivers events to an end user's AuthenticationClient.sub (official and ours), authenticated by token", async () => {
    const auth = new AuthenticationClient({
      ...emulator.app,
      appHost: emulator.appHost,
      socketUri: emulator.socketUri,
    });
    await management.createUser({ email: 'jo@example.com', password: 'jo-pass-1' });
    const login = await auth.signInByEmailPassword({ email: 'jo@example.com', password: 'jo-pass-1' });
    const token = (login.data as { access_token: string }).access_token;
    auth.setAccessToken(token);
    const official = new authing.AuthenticationClient({
      appId: emulator.app.appId,
      appSecret: emulator.app.appSecret,
      appHost: emulator.appHost,
      redirectUri: emulator.app.redirectUris[0]!,
      socketUri: emulator.socketUri,
      accessToken: token,
      retryTimes: 0,
    } as never);
    const theirs = nextMessage((cb) => official.sub('app.note', cb, () => undefined));
    let stop = (): void => undefined;
    const mine = nextMessage((cb) => {
      stop = auth.sub('app.note', cb);
    });
    await until(() => emulator.eventSubscriberCount('app.note') === 2);
    await auth.pub('app.note', 'hello');
    expect([await theirs, await mine]).toEqual(['hello', 'hello']);
    stop();

    const anonymous = new AuthenticationClient({
      ...emulator.app,
      appHost: emulator.appHost,
      socketUri: emulator.socketUri,
      retryTimes: 0,
    });
    anonymous.setAccessToken('not-a-token');
    const error = await new Promise<Error>((resolve) => anonymous.sub('app.note', () => undefined, resolve));
    expect(error).toBeInstanceOf(Error);
  });

  it("delivers the management pubUserEvent (official SDK and ours) to an end user's subscription", async () => {
    const auth = new AuthenticationClient({
      ...emulator.app,
      appHost: emulator.appHost,
      socketUri: emulator.socketUri,
    });
    await management.createUser({ email: 'kit@example.com', password: 'kit-pass-1' });
    const login = await auth.signInByEmailPassword({ email: 'kit@example.com', password: 'kit-pass-1' });
    auth.setAccessToken((login.data as { access_token: string }).access_token);
    const received: string[] = [];
    const stop = auth.sub('app.server-note', (data) => received.push(data));
    await until(() => emulator.eventSubscriberCount('app.server-note') === 1);
    const official = new authing.ManagementClient({ ...emulator.accessKey, host: emulator.host } as never);
    const theirs = await official.pubUserEvent({ eventType: 'app.server-note', eventData: 'from-official' });
    const ours = await management.callEndpoint('pubUserEvent', {
      eventType: 'app.server-note',
      eventData: 'from-ours',
    });
    expect([theirs, ours].map((r) => [r.statusCode, r.data])).toEqual([
      [200, { success: true }],
      [200, { success: true }],
    ]);
    await until(() => received.length === 2);
    expect(received).toEqual(['from-official', 'from-ours']);
    // Not signed and no user token: refused, nothing delivered.
    const refused = await fetch(`${emulator.host}/api/v3/pub-userEvent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType: 'app.server-note', eventData: 'x' }),
    });
    expect(((await refused.json()) as { apiCode: number }).apiCode).toBe(2020);
    const bad = await management.callEndpoint('pubUserEvent', { eventType: 'app.server-note', eventData: 3 });
    expect(bad.apiCode).toBe(9400);
    stop();
    expect(received).toHaveLength(2);
  });

  it('names a bad socketUri or retryTimes', () => {
    const base = { ...emulator.accessKey, host: emulator.host };
    expect(() => new ManagementClient({ ...base, socketUri: 'http://x' })).toThrow(AuthingArgumentError);
    expect(() => new ManagementClient({ ...base, retryTimes: -1 })).toThrow(/retryTimes/);
  });
});
