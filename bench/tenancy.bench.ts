import { AuthenticationClient } from '../lib/sdk/index.js';
import {
  fmt,
  load,
  LOAD_CPU,
  PINNING,
  SERVER_CPU,
  startEmulatorProcess,
  startWorker,
  type BenchSection,
  type LoadResult,
  type Worker,
} from './util.js';

const CONNECTIONS = 32;
/** Seconds per round; TENANCY_BENCH_SECONDS shortens it for a smoke run (the figures are then noise). */
const SECONDS = Number(process.env.TENANCY_BENCH_SECONDS) > 0 ? Number(process.env.TENANCY_BENCH_SECONDS) : 4;
const ROUNDS = 3;

type Measured = LoadResult & { cpuPerRequest: number };
interface Route {
  name: string;
  app: Worker<{ origin: string }>;
  path: string;
}

/**
 * The added cost per request of the tenant resolver: the same cached bearer token on AuthingGuard in
 * a single-tenant app (baseline), and in an app with the `tenancy` option, once on a route the
 * resolver gives to the default application and once on a tenant's route. Both apps run in their
 * own process on the same core, loaded one at a time in interleaved rounds; figures are medians.
 */
export async function tenancyBench(): Promise<BenchSection> {
  const emulator = await startEmulatorProcess(
    { seed: { users: [{ email: 'bench@example.com', password: 'Bench-passw0rd' }] } },
    LOAD_CPU,
  );
  const { appId, appSecret } = emulator.app;
  const config = { appHost: emulator.appHost, appId, appSecret, platform: 'express' };
  const single = await startWorker<{ origin: string }>('build/bench/app-process.js', config, SERVER_CPU);
  const tenanted = await startWorker<{ origin: string }>(
    'build/bench/app-process.js',
    { ...config, tenancy: true },
    SERVER_CPU,
  );
  try {
    const token = await signedInToken(emulator.appHost, appId, appSecret);
    const headers = { authorization: `Bearer ${token}` };
    const routes: Route[] = [
      { name: 'single-tenant AuthingGuard (baseline)', app: single, path: '/guarded' },
      { name: 'tenancy on, request of the default application', app: tenanted, path: '/guarded' },
      { name: 'tenancy on, request of a tenant (/t/acme)', app: tenanted, path: '/t/acme/guarded' },
    ];
    const measure = async (route: Route): Promise<Measured> => {
      const cpuBefore = await route.app.ask<number>('cpu');
      const result = await load(route.app.info.origin + route.path, {
        connections: CONNECTIONS,
        seconds: SECONDS,
        headers,
      });
      const cpuAfter = await route.app.ask<number>('cpu');
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${route.path}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
      }
      return { ...result, cpuPerRequest: (cpuAfter - cpuBefore) / result.total };
    };
    // Warm-up: the token is verified once per app (and per tenant), then answered from the cache.
    for (const route of routes) {
      await load(route.app.info.origin + route.path, { connections: CONNECTIONS, seconds: 1, headers });
    }
    const rounds: Measured[][] = routes.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < routes.length; k++) {
        const index = (k + round) % routes.length;
        rounds[index]!.push(await measure(routes[index]!));
      }
    }
    const medians = rounds.map((list) => {
      const byRate = [...list].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
      const byCpu = [...list].sort((a, b) => a.cpuPerRequest - b.cpuPerRequest);
      return {
        ...byRate[Math.floor(byRate.length / 2)]!,
        total: list.reduce((sum, r) => sum + r.total, 0),
        cpuPerRequest: byCpu[Math.floor(byCpu.length / 2)]!.cpuPerRequest,
      };
    });
    const base = medians[0]!;
    const tenant = medians[2]!;
    const row = (name: string, r: Measured): string[] => [
      name,
      fmt(r.requestsPerSec),
      fmt(r.requestsPerSec / base.requestsPerSec, 2),
      `${fmt(r.cpuPerRequest)} µs`,
      `${fmt(r.cpuPerRequest - base.cpuPerRequest, 1)} µs`,
      String(r.p50),
      String(r.p99),
      fmt(r.total),
    ];
    return {
      title: `Tenant resolver on express (autocannon, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s per route)`,
      rows: [
        [
          'route',
          'req/s (median round)',
          'ratio to baseline',
          'server CPU per request',
          'added CPU per request',
          'p50 ms',
          'p99 ms',
          'requests',
        ],
        ...routes.map((route, i) => row(route.name, medians[i]!)),
      ],
      notes: [
        'Every request carries the same valid bearer token, already verified: the guard answers from the verified-token cache. The tenancy app resolves the tenant from the path once per request (remembered on the request) and hands it to that tenant’s own verifier.',
        PINNING
          ? 'Both apps run in their own process on core 0 (loaded one at a time), autocannon and the emulator on core 1; CPU per request is the app process’s user+system time over the requests it served.'
          : 'No core pinning on this machine: the apps and the load generator share the CPU.',
      ],
      targets: [
        {
          target: 'a tenant’s route ≥ 0.95 of the single-tenant guard',
          met: tenant.requestsPerSec >= 0.95 * base.requestsPerSec,
        },
      ],
    };
  } finally {
    await Promise.allSettled([single.stop(), tenanted.stop()]);
    await emulator.stop();
  }
}

async function signedInToken(appHost: string, appId: string, appSecret: string): Promise<string> {
  const client = new AuthenticationClient({ appId, appSecret, appHost });
  try {
    const result = await client.signInByEmailPassword({ email: 'bench@example.com', password: 'Bench-passw0rd' });
    if (result.statusCode !== 200) throw new Error(`sign-in failed: ${result.message}`);
    return result.data.access_token;
  } finally {
    await client.close();
  }
}
