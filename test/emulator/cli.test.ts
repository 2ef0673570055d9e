import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The command line, run from the sources exactly as `npm run emulator` does (no build step). */
describe('emulator: command line', () => {
  let child: ChildProcess | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'authing-emulator-cli-'));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('prints where it listens and the labelled credentials, serves, and stops on SIGTERM', async () => {
    const dataFile = join(dir, 'nested', 'state.json');
    const proc = spawn(process.execPath, ['bin/nestjs-authing-emulator.js', '--port', '0', '--data-file', dataFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    let err = '';
    proc.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}${err}`)), 60_000);
      proc.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Press Ctrl+C to stop')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`CLI exited with ${code}: ${out}${err}`));
      });
    });
    const origin = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    expect(out).toMatch(/appId\s+[0-9a-f]{24}/);
    expect(out).toMatch(/appSecret\s+[0-9a-f]{32}/);
    expect(out).toMatch(/accessKeyId\s+[0-9a-f]{24}/);
    expect(out).toMatch(/accessKeySecret\s+[0-9a-f]{32}/);
    expect(out).toContain(`OIDC issuer                              ${origin}/oidc`);

    const discovery = await fetch(`${origin}/oidc/.well-known/openid-configuration?secret=do-not-log`);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`${origin}/oidc`);
    await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/GET \/oidc\/\.well-known\/openid-configuration 200/);
    expect(out).not.toContain('do-not-log');

    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    const state = JSON.parse(await readFile(dataFile, 'utf8')) as { version: number; apps: { appId: string }[] };
    expect(state.version).toBe(1);
    expect(out).toContain(state.apps[0]!.appId);
  }, 90_000);

  it('takes --app-name (banner and login card), the token lifetimes and the lockout settings', async () => {
    const proc = spawn(
      process.execPath,
      [
        'bin/nestjs-authing-emulator.js',
        ...['--port', '0', '--quiet', '--app-name', 'Acme Portal'],
        ...['--access-token-ttl', '90', '--id-token-ttl', '45', '--refresh-token-ttl', '900'],
        ...['--lockout-attempts', '2', '--lockout-window', '60'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}`)), 60_000);
      proc.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Press Ctrl+C to stop')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(out).toMatch(/name\s+Acme Portal/);
    expect(out).toContain('Tokens        access 90 s, id_token 45 s, refresh 900 s');
    // Both spellings of the sample's home page are registered for logout.
    expect(out).toContain('http://127.0.0.1:3000/, http://127.0.0.1:3000');
    const origin = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    const appId = /appId\s+([0-9a-f]{24})/.exec(out)![1]!;
    const authorize = new URL(`${origin}/oidc/auth`);
    authorize.search = new URLSearchParams({
      client_id: appId,
      redirect_uri: 'http://127.0.0.1:3000/callback',
      response_type: 'code',
      scope: 'openid',
    }).toString();
    const first = await fetch(authorize, { redirect: 'manual' });
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await fetch(new URL(first.headers.get('location')!, origin), { headers: { cookie } });
    expect(await page.text()).toContain('to continue to <strong>Acme Portal</strong>');
    const appSecret = /appSecret\s+([0-9a-f]{32})/.exec(out)![1]!;
    const signIn = async (password: string) => {
      const res = await fetch(`${origin}/api/v3/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          connection: 'PASSWORD',
          passwordPayload: { account: 'demo', password },
          client_id: appId,
          client_secret: appSecret,
        }),
      });
      return (await res.json()) as { apiCode?: number; data: { expire_in: number } | null };
    };
    expect((await signIn('Passw0rd!')).data!.expire_in).toBe(90);
    expect((await signIn('wrong-1')).apiCode).toBe(2006);
    expect((await signIn('wrong-2')).apiCode).toBe(2005);
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }, 90_000);

  it('says in one line that the port is busy, and exits with code 3', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['bin/nestjs-authing-emulator.js', '--port', String(port)],
          (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
        );
      });
      expect(result.code).toBe(3);
      expect(result.stderr.trim().split('\n')).toEqual([
        `nestjs-authing-emulator: port ${port} is already in use on 127.0.0.1 (another emulator?): stop it, or pick another port with --port <port> (0 picks a free one)`,
      ]);
      expect(result.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 90_000);
});
