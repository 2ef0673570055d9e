import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fmt, ROOT, type BenchSection } from './util.js';

interface LoadFigures {
  logins: {
    count: number;
    users: number;
    concurrency: number;
    seconds: number;
    perSecond: number;
    p50Ms: number;
    p99Ms: number;
    failures: number;
    lostSessions: number;
  };
  bearer: {
    requests: number;
    connections: number;
    perSecond: number;
    p50Ms: number;
    p99Ms: number;
    seconds: number;
    failures: number;
    wrongUser: number;
  };
  memory: { heapBaselineMb: number; heapAfterMb: number; toleranceMb: number };
}

/**
 * The load scenario of the security suite (test/security/load.test.ts): 1,000 hosted logins and
 * 50,000 bearer requests against the sample on the emulator. It is a test (zero failures, no lost
 * session, memory back near its baseline); here it runs again to record its figures.
 */
export async function loadBench(): Promise<BenchSection> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nestjs-authing-load-'));
  const file = path.join(dir, 'load.json');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--experimental-vm-modules',
          '--no-warnings=ExperimentalWarning',
          'node_modules/jest/bin/jest.js',
          'test/security/load.test.ts',
        ],
        { cwd: ROOT, env: { ...process.env, AUTHING_LOAD_RESULTS: file }, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the load test failed (exit ${code})`))));
    });
    const f = JSON.parse(await readFile(file, 'utf8')) as LoadFigures;
    return {
      title: 'Load: hosted logins and bearer requests against the sample on the emulator',
      rows: [
        ['scenario', 'volume', 'throughput', 'p50', 'p99', 'failures'],
        [
          `full hosted logins (${f.logins.concurrency} at a time, ${f.logins.users} users)`,
          fmt(f.logins.count),
          `${fmt(f.logins.perSecond, 1)} logins/s`,
          `${fmt(f.logins.p50Ms)} ms`,
          `${fmt(f.logins.p99Ms)} ms`,
          `${f.logins.failures} failed, ${f.logins.lostSessions} sessions lost`,
        ],
        [
          `bearer GET /api/me (${f.bearer.connections} connections)`,
          fmt(f.bearer.requests),
          `${fmt(f.bearer.perSecond)} req/s`,
          `${fmt(f.bearer.p50Ms)} ms`,
          `${fmt(f.bearer.p99Ms)} ms`,
          `${f.bearer.failures} failed, ${f.bearer.wrongUser} answered for the wrong user`,
        ],
      ],
      notes: [
        `Heap of the app process: ${fmt(f.memory.heapBaselineMb, 1)} MB before, ${fmt(f.memory.heapAfterMb, 1)} MB after, once collected (the test allows ${f.memory.toleranceMb} MB).`,
        'A hosted login is six HTTP round trips (login redirect, authorize, login form, consent, callback with code exchange and id_token verification, profile) through the emulator, which runs oidc-provider in the same process as the sample here; its cost, not the module, sets the logins/s.',
      ],
      targets: [
        {
          target: 'zero failed logins and zero lost sessions',
          met: f.logins.failures === 0 && f.logins.lostSessions === 0,
        },
        { target: 'zero failed bearer requests', met: f.bearer.failures === 0 && f.bearer.wrongUser === 0 },
        {
          target: 'heap back within tolerance of its baseline',
          met: f.memory.heapAfterMb <= f.memory.heapBaselineMb + f.memory.toleranceMb,
        },
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
