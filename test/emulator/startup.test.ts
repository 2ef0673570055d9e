import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './support/free-port.js';

/** Longest a single poll may wait: far below the emulator's boot time, so a held request shows. */
const PER_REQUEST_TIMEOUT_MS = 1500;
const POLL_EVERY_MS = 100;
const BOOT_LIMIT_MS = 30_000;

type Outcome = 'refused' | 'ok' | 'timeout' | `status ${number}` | `error ${string}`;

async function poll(url: string): Promise<Outcome> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(PER_REQUEST_TIMEOUT_MS) });
    await res.arrayBuffer();
    return res.status === 200 ? 'ok' : `status ${res.status}`;
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') return 'timeout';
    if (e.cause?.code === 'ECONNREFUSED') return 'refused';
    return `error ${e.cause?.code ?? e.message}`;
  }
}

/**
 * Issue #16.1: users' CI starts the CLI and polls its discovery document; every poll made while it
 * boots must either be refused (port not open yet) or answered, never held without an answer.
 */
describe('emulator: requests during start-up', () => {
  let child: ChildProcess | undefined;

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('refuses or answers every discovery poll made from the moment the CLI starts', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/oidc/.well-known/openid-configuration`;
    const started = Date.now();
    const proc = spawn(process.execPath, ['bin/nestjs-authing-emulator.js', '--port', String(port), '--quiet'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

    // Polls overlap (a new one every POLL_EVERY_MS whatever the previous one does), as a script
    // with a per-request timeout would; stop a few successes after the first one.
    const polls: Promise<Outcome>[] = [];
    let successes = 0;
    while (successes < 3 && Date.now() - started < BOOT_LIMIT_MS && proc.exitCode === null) {
      const outcome = poll(url);
      polls.push(outcome);
      void outcome.then((o) => {
        if (o === 'ok') successes += 1;
      });
      await new Promise((r) => setTimeout(r, POLL_EVERY_MS));
    }
    const outcomes = await Promise.all(polls);
    expect(stderr).toBe('');
    expect(successes).toBeGreaterThanOrEqual(3);
    const unexpected = outcomes.filter((o) => o !== 'refused' && o !== 'ok');
    expect(unexpected).toEqual([]);
    // Once a poll succeeded, none after it was refused: the port did not close again.
    const firstOk = outcomes.indexOf('ok');
    expect(outcomes.slice(firstOk).every((o) => o === 'ok')).toBe(true);
    proc.kill('SIGTERM');
  }, 60_000);
});
