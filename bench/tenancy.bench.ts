import { comparisonHeader, comparisonRow, compareRoutes, roundsNote, signedInToken } from './rounds.js';
import {
  LOAD_CPU,
  PINNING,
  SERVER_CPU,
  startEmulatorProcess,
  startWorker,
  type BenchSection,
  type Worker,
} from './util.js';

const CONNECTIONS = 32;
/** Seconds of interleaved phases; TENANCY_BENCH_SECONDS shortens it for a smoke run (the figures are then noise). */
const SECONDS = Number(process.env.TENANCY_BENCH_SECONDS) > 0 ? Number(process.env.TENANCY_BENCH_SECONDS) : 30;

const USER = { email: 'bench@example.com', password: 'Bench-passw0rd' };
interface Route {
  name: string;
  app: Worker<{ origin: string }>;
  path: string;
}

/**
 * The added cost per request of the tenant resolver: the same cached bearer token on AuthingGuard in
 * a single-tenant app (baseline), and in an app with the `tenancy` option, once on a route the
 * resolver gives to the default application and once on a tenant's route. Both apps run in their
 * own process on the same core, loaded one at a time in interleaved phases; figures are medians.
 */
export async function tenancyBench(): Promise<BenchSection> {
  const emulator = await startEmulatorProcess({ seed: { users: [USER] } }, LOAD_CPU);
  const { appId, appSecret } = emulator.app;
  const config = { appHost: emulator.appHost, appId, appSecret, platform: 'express' };
  const single = await startWorker<{ origin: string }>('build/bench/app-process.js', config, SERVER_CPU);
  const tenanted = await startWorker<{ origin: string }>(
    'build/bench/app-process.js',
    { ...config, tenancy: true },
    SERVER_CPU,
  );
  try {
    const token = await signedInToken({ appHost: emulator.appHost, appId, appSecret }, USER);
    const headers = { authorization: `Bearer ${token}` };
    const singleCpu = (): Promise<number> => single.ask<number>('cpu');
    const tenantedCpu = (): Promise<number> => tenanted.ask<number>('cpu');
    const cpuOf = (app: Worker<{ origin: string }>): (() => Promise<number>) =>
      app === single ? singleCpu : tenantedCpu;
    const routes: Route[] = [
      { name: 'single-tenant AuthingGuard (baseline)', app: single, path: '/p/acme/guarded' },
      { name: 'tenancy on, request of the default application', app: tenanted, path: '/p/acme/guarded' },
      { name: 'tenancy on, request of a tenant (/t/acme)', app: tenanted, path: '/t/acme/guarded' },
    ];
    const { routes: medians } = await compareRoutes(
      // One function per process: compareRoutes tells processes apart by it.
      routes.map((route) => ({ url: route.app.info.origin + route.path, cpu: cpuOf(route.app) })),
      // The warm-up verifies the token once per app (and per tenant); then it is answered from the cache.
      { connections: CONNECTIONS, seconds: SECONDS, warmUpSeconds: 1, headers },
    );
    const base = medians[0]!;
    const tenant = medians[2]!;
    return {
      title: `Tenant resolver on express (${CONNECTIONS} connections, ${base.phaseMs} ms phases for ${SECONDS} s, ratios with 95% intervals)`,
      rows: [comparisonHeader('baseline'), ...routes.map((route, i) => comparisonRow(route.name, medians[i]!, base))],
      notes: [
        roundsNote([
          { name: 'tenancy, default application', result: medians[1]! },
          { name: 'tenancy, tenant', result: tenant },
        ]),
        'The three routes have the same shape (a path parameter before `/guarded`), so Express’s own cost of a parameterised route is in the baseline too; the resolver gives `/p/…` to the default application and `/t/acme/…` to the tenant.',
        'Every request carries the same valid bearer token, already verified: the guard answers from the verified-token cache. The tenancy app resolves the tenant from the path once per request (remembered for the request) and hands it to that tenant’s own verifier.',
        PINNING
          ? 'Both apps run in their own process on core 0 (loaded one at a time), the load generator and the emulator on core 1; a route’s CPU per request is its windows’ time at the app core’s busy share (the app process’s user+system time over the comparison), over the requests it served.'
          : 'No core pinning on this machine: the apps and the load generator share the CPU.',
      ],
      targets: [
        {
          target: 'a tenant’s route ≥ 0.95 of the single-tenant guard',
          met: tenant.ratio >= 0.95,
        },
      ],
    };
  } finally {
    await Promise.allSettled([single.stop(), tenanted.stop()]);
    await emulator.stop();
  }
}
