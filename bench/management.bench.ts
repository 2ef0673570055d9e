import { createRequire } from 'node:module';
import { ManagementClient } from '../lib/sdk/index.js';
import { buildStringToSign, makeNonce, sign } from '../lib/sdk/signing/signature.js';
import { fmt, percentile, startEmulatorProcess, type BenchSection } from './util.js';

const require = createRequire(import.meta.url);

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
}

/** Calls `call` `total` times with `concurrency` in flight; returns throughput and each call's latency. */
async function drive(
  total: number,
  concurrency: number,
  call: () => Promise<unknown>,
): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  let issued = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        issued++;
        const t = performance.now();
        await call();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { perSecond: (total / (performance.now() - start)) * 1000, latencies };
}

/**
 * Runs the clients in interleaved rounds (rotating their order) so that drift in machine load hits
 * them all alike; throughput is the median of the rounds, latency percentiles are over all calls.
 */
async function compare(
  clients: Record<string, () => Promise<unknown>>,
  total: number,
  concurrency: number,
  rounds = 5,
): Promise<Record<string, Result>> {
  const names = Object.keys(clients);
  for (const name of names) for (let i = 0; i < 300; i++) await clients[name]!(); // warm-up: connections, JIT
  const perRound: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const latencies: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]!);
    for (const name of order) {
      const r = await drive(Math.ceil(total / rounds), concurrency, clients[name]!);
      perRound[name]!.push(r.perSecond);
      latencies[name]!.push(...r.latencies);
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const sortedRounds = [...perRound[name]!].sort((a, b) => a - b);
      const sorted = latencies[name]!.sort((a, b) => a - b);
      return [
        name,
        {
          perSecond: sortedRounds[Math.floor(sortedRounds.length / 2)]!,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
        },
      ];
    }),
  );
}

/**
 * 10,000 listUsers calls against the emulator (in its own process) at concurrency 1 and 50: our
 * ManagementClient, the official authing-node-sdk, and raw fetch with the same signing as baseline.
 */
export async function managementBench(total = 10_000): Promise<BenchSection> {
  const emulator = await startEmulatorProcess({
    seed: { users: Array.from({ length: 25 }, (_, i) => ({ email: `user${i}@example.com`, password: 'Passw0rd!' })) },
  });
  const { accessKeyId, accessKeySecret } = emulator.accessKey;
  const request = { options: { pagination: { page: 1, limit: 10 } } };
  const body = JSON.stringify(request);
  const path = '/api/v3/list-users';

  const raw = async (): Promise<unknown> => {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/json',
      'x-authing-signature-nonce': makeNonce(),
      'x-authing-signature-method': 'HMAC-SHA1',
      'x-authing-signature-version': '1.0',
      'x-authing-sdk-version': 'raw-fetch:0',
      'x-authing-lang': 'zh-CN',
      date: new Date().toUTCString(),
    };
    headers.authorization = `authing ${accessKeyId}:${sign(accessKeySecret, buildStringToSign('POST', path, headers, request))}`;
    const res = await fetch(emulator.host + path, { method: 'POST', headers, body });
    const json = (await res.json()) as { statusCode: number };
    if (json.statusCode !== 200) throw new Error(`raw fetch got ${json.statusCode}`);
    return json;
  };
  const ours = new ManagementClient({ accessKeyId, accessKeySecret, host: emulator.host });
  const oursCall = async (): Promise<unknown> => {
    const r = await ours.listUsers(request);
    if (r.statusCode !== 200) throw new Error(`ours got ${r.statusCode}: ${r.message}`);
    return r;
  };
  const authing = require('authing-node-sdk') as {
    ManagementClient: new (o: object) => { listUsers(r: object): Promise<{ statusCode: number; message: string }> };
  };
  const official = new authing.ManagementClient({ accessKeyId, accessKeySecret, host: emulator.host });
  const officialCall = async (): Promise<unknown> => {
    const r = await official.listUsers(request);
    if (r.statusCode !== 200) throw new Error(`official got ${r.statusCode}: ${r.message}`);
    return r;
  };

  const rows: string[][] = [['client', 'concurrency', 'calls/s', 'p50 ms', 'p99 ms', 'vs raw fetch']];
  const targets: BenchSection['targets'] = [];
  try {
    for (const concurrency of [1, 50]) {
      const results = await compare({ raw, ours: oursCall, official: officialCall }, total, concurrency);
      const baseline = results.raw!;
      const mine = results.ours!;
      const theirs = results.official!;
      const line = (name: string, r: Result): string[] => [
        name,
        String(concurrency),
        fmt(r.perSecond),
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        fmt(r.perSecond / baseline.perSecond, 2),
      ];
      rows.push(
        line('raw fetch + same signing (baseline)', baseline),
        line('nestjs-authing', mine),
        line('authing-node-sdk@4.0.1', theirs),
      );
      targets.push(
        {
          target: `ours ≥ 0.95 of raw fetch at concurrency ${concurrency}`,
          met: mine.perSecond >= 0.95 * baseline.perSecond,
        },
        {
          target: `ours faster than the official SDK at concurrency ${concurrency}`,
          met: mine.perSecond > theirs.perSecond,
        },
      );
    }
  } finally {
    await ours.close();
    await emulator.stop();
  }
  return {
    title: `ManagementClient: ${fmt(total)} listUsers calls against the emulator`,
    rows,
    notes: [
      'The emulator runs in its own process. Each client makes every call in the benchmark process, in five interleaved rounds whose order rotates (so drift in machine load hits all three alike) after 300 warm-up calls; calls/s is the median round, latencies are over all calls.',
      "Raw fetch is Node's global fetch with the same HMAC-SHA1 signing and no envelope checks beyond statusCode; our clients send with undici's request(), which costs far less CPU per call than fetch().",
    ],
    targets,
  };
}
