import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagementClient } from '../../lib/sdk/management/management-client.js';
import { AuthingEmulator } from '../../lib/testing/index.js';
import { writeJsonAtomic, type AtomicFs } from '../../lib/testing/persistence.js';

describe('emulator: persistence to a data file', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'authing-emulator-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps users, credentials and signing keys across a restart', async () => {
    const dataFile = join(dir, 'state.json');
    // A fixed advertised origin keeps the issuer stable although each start gets a new free port.
    const publicOrigin = 'http://authing.emulator.test';
    const first = await AuthingEmulator.start({
      dataFile,
      publicOrigin,
      seed: { users: [{ email: 'erin@example.com', password: 'erin-pass-1' }] },
    });
    const management = new ManagementClient({ ...first.accessKey, host: first.localOrigin, retry: false });
    const created = await management.createUser({
      email: 'frank@example.com',
      password: 'frank-pass-1',
      nickname: 'frankie',
    });
    expect(created.statusCode).toBe(200);
    await management.close();
    const token = await first.issueTokens({ user: 'frank@example.com' });
    const { app, accessKey, currentKid } = first;
    await first.stop();

    const text = await readFile(dataFile, 'utf8');
    const state = JSON.parse(text) as {
      version: number;
      users: { profile: { email?: string }; passwordHash?: string }[];
    };
    expect(state.version).toBe(1);
    expect(state.users.map((u) => u.profile.email).sort()).toEqual(['erin@example.com', 'frank@example.com']);
    // Passwords are stored hashed only.
    expect(text).not.toContain('frank-pass-1');
    expect(text).not.toContain('erin-pass-1');
    expect(state.users.every((u) => u.passwordHash?.startsWith('scrypt$'))).toBe(true);
    // No temporary file left behind.
    expect(await readdir(dir)).toEqual(['state.json']);

    // The seed is ignored when the file exists.
    const second = await AuthingEmulator.start({
      dataFile,
      publicOrigin,
      seed: { users: [{ email: 'ignored@example.com', password: 'x' }] },
    });
    expect(second.issuer).toBe(`${publicOrigin}/oidc`);
    try {
      expect(second.app).toEqual(app);
      expect(second.accessKey).toEqual(accessKey);
      expect(second.currentKid).toBe(currentKid);
      expect(second.findUser('ignored@example.com')).toBeUndefined();
      const again = new ManagementClient({ ...second.accessKey, host: second.localOrigin, retry: false });
      const fetched = await again.getUser({ userId: created.data.userId });
      await again.close();
      expect(fetched).toMatchObject({ statusCode: 200, data: { email: 'frank@example.com', nickname: 'frankie' } });
      // Tokens issued before the restart still verify (same keys).
      const profile = await fetch(`${second.localOrigin}/api/v3/get-profile`, {
        headers: { authorization: token.access_token },
      });
      expect(await profile.json()).toMatchObject({ statusCode: 200, data: { email: 'frank@example.com' } });
      // So does the password.
      const login = await fetch(`${second.localOrigin}/api/v3/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          connection: 'PASSWORD',
          passwordPayload: { email: 'frank@example.com', password: 'frank-pass-1' },
          client_id: app.appId,
          client_secret: app.appSecret,
        }),
      });
      expect(((await login.json()) as { statusCode: number }).statusCode).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('refuses to start on a corrupt data file instead of overwriting it', async () => {
    const dataFile = join(dir, 'state.json');
    await writeFile(dataFile, '{"version": 1, "users": [');
    await expect(AuthingEmulator.start({ dataFile })).rejects.toThrow();
    expect(await readFile(dataFile, 'utf8')).toBe('{"version": 1, "users": [');
    await writeFile(dataFile, '{"something": "else"}');
    await expect(AuthingEmulator.start({ dataFile })).rejects.toThrow(/not an Authing emulator state/);
  });

  it('writes atomically: temporary file, fsync, then rename over the target', async () => {
    const file = join(dir, 'data.json');
    const calls: string[] = [];
    const recording: AtomicFs = {
      open: (async (path: string, flags: string, mode: number) => {
        const handle = await fsp.open(path, flags, mode);
        calls.push(`open ${path === file ? 'TARGET' : 'tmp'} ${flags}`);
        const sync = handle.sync.bind(handle);
        handle.sync = async () => {
          calls.push('fsync');
          return sync();
        };
        return handle;
      }) as AtomicFs['open'],
      rename: (async (from: string, to: string) => {
        calls.push(`rename ${from === file ? 'TARGET' : 'tmp'} -> ${to === file ? 'TARGET' : to}`);
        return fsp.rename(from, to);
      }) as AtomicFs['rename'],
      rm: fsp.rm,
    };
    await writeJsonAtomic(file, { n: 1 }, recording);
    expect(calls).toEqual(['open tmp wx', 'fsync', 'rename tmp -> TARGET']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ n: 1 });

    // A crash between writing and renaming leaves the previous content intact and no debris.
    const crashing: AtomicFs = {
      ...recording,
      rename: async () => {
        throw Object.assign(new Error('simulated crash'), { code: 'EIO' });
      },
    };
    await expect(writeJsonAtomic(file, { n: 2, big: 'x'.repeat(100_000) }, crashing)).rejects.toThrow(
      'simulated crash',
    );
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ n: 1 });
    expect(await readdir(dir)).toEqual(['data.json']);
  });
});
