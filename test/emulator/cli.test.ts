import { spawn, type ChildProcess } from 'node:child_process';
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
      const timer = setTimeout(() => reject(new Error(`CLI did not start: ${out}${err}`)), 20_000);
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
  });
});
