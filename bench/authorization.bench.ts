import { AuthenticationClient, ManagementClient } from '../lib/sdk/index.js';
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
} from './util.js';

type Measured = LoadResult & { authing: number; cpuPerRequest: number };

const CONNECTIONS = 32;
// AUTHZ_BENCH_SECONDS / AUTHZ_BENCH_ROUNDS shorten a trial run; the published figures use the defaults.
const setting = (name: string, fallback: number) => Math.max(1, Number(process.env[name] ?? fallback) || fallback);
const SECONDS = setting('AUTHZ_BENCH_SECONDS', 4);
const ROUNDS = setting('AUTHZ_BENCH_ROUNDS', 3);
const USER = { email: 'bench@example.com', password: 'Bench-passw0rd', roles: ['admin', 'bench'] };

/** Requests the emulator served that an authorization decision costs (resource checks, role lookups). */
function authingRequests(stats: Record<string, number>): number {
  const paths = ['/api/v3/is-action-allowed', '/api/v3/check-permission', '/api/v3/get-user-roles'];
  return paths.reduce((sum, path) => sum + (stats[path] ?? 0), 0);
}

/**
 * The added cost per request of a cached resource-instance check (@ResourceAccess) and of an
 * `all`-match role check against AuthingGuard alone on a cached bearer token: one app, one run,
 * interleaved rounds, each route's median round.
 */
export async function authorizationBench(): Promise<BenchSection> {
  const emulator = await startEmulatorProcess({ seed: { users: [USER] } }, LOAD_CPU);
  const { appId, appSecret } = emulator.app;
  const management = new ManagementClient({ ...emulator.accessKey, host: emulator.host });
  const client = new AuthenticationClient({ appId, appSecret, appHost: emulator.appHost });
  let app: Awaited<ReturnType<typeof startWorker<{ origin: string }>>> | undefined;
  try {
    const signIn = await client.signInByEmailPassword({ email: USER.email, password: USER.password });
    if (signIn.statusCode !== 200) throw new Error(`sign-in failed: ${signIn.message}`);
    const token = signIn.data.access_token;
    const userId = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;
    const granted = await management.authorizeResources({
      list: [
        {
          targetType: 'USER',
          targetIdentifiers: [userId],
          resources: [{ code: 'order:*', actions: ['read'], resourceType: 'DATA' }],
        },
      ],
    } as never);
    if (granted.statusCode !== 200) throw new Error(`authorizeResources failed: ${granted.message}`);

    app = await startWorker<{ origin: string }>(
      'build/bench/authorization-app.js',
      { appHost: emulator.appHost, appId, host: emulator.host, ...emulator.accessKey },
      SERVER_CPU,
    );
    const { origin } = app.info;
    const headers = { authorization: `Bearer ${token}` };
    const worker = app;
    const measure = async (path: string): Promise<Measured> => {
      const before = authingRequests(await emulator.stats());
      const cpuBefore = await worker.ask<number>('cpu');
      const result = await load(origin + path, { connections: CONNECTIONS, seconds: SECONDS, headers });
      const cpuAfter = await worker.ask<number>('cpu');
      const after = authingRequests(await emulator.stats());
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${path}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
      }
      return { ...result, authing: after - before, cpuPerRequest: (cpuAfter - cpuBefore) / result.total };
    };

    const paths = ['/guarded', '/orders/42', '/roles-all'];
    // Warm-up: verifies the token, fills the answer and role caches, lets the JIT settle.
    for (const path of paths) await load(origin + path, { connections: CONNECTIONS, seconds: 2, headers });
    const rounds: Measured[][] = paths.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < paths.length; k++) {
        const index = (k + round) % paths.length;
        rounds[index]!.push(await measure(paths[index]!));
      }
    }
    const [guarded, resource, roles] = rounds.map((list) => {
      const byRate = [...list].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
      const byCpu = [...list].sort((a, b) => a.cpuPerRequest - b.cpuPerRequest);
      return {
        ...byRate[Math.floor(byRate.length / 2)]!,
        total: list.reduce((sum, r) => sum + r.total, 0),
        authing: list.reduce((sum, r) => sum + r.authing, 0),
        cpuPerRequest: byCpu[Math.floor(byCpu.length / 2)]!.cpuPerRequest,
      };
    });
    if (!guarded || !resource || !roles) throw new Error('missing result');

    const row = (name: string, r: Measured): string[] => [
      name,
      fmt(r.requestsPerSec),
      fmt(r.requestsPerSec / guarded.requestsPerSec, 2),
      `${fmt(r.cpuPerRequest)} µs`,
      `${fmt(r.cpuPerRequest - guarded.cpuPerRequest, 1)} µs`,
      String(r.p50),
      String(r.p99),
      fmt(r.total),
      String(r.authing),
    ];
    return {
      title: `Authorization cost on express (autocannon, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s per route)`,
      rows: [
        [
          'route',
          'req/s (median round)',
          'ratio to AuthingGuard alone',
          'server CPU per request',
          'added CPU per request',
          'p50 ms',
          'p99 ms',
          'requests',
          'authorization requests to Authing',
        ],
        row('AuthingGuard, cached bearer token (baseline)', guarded),
        row("+ @ResourceAccess({ resource: 'order', id: { param: 'id' } }), cached answer", resource),
        row("+ @Roles({ roles: ['admin', 'bench'], match: 'all' }), management source, cached", roles),
      ],
      notes: [
        'One app serves the three routes with the same valid bearer token; the answer and role caches are long enough (600 s) that the measured requests never wait for Authing, so the added cost is the check itself: the route requirements read once per handler, the id read from the route, one cache lookup, the promise the guard awaits.',
        PINNING
          ? 'The app runs in its own process on core 0, autocannon and the emulator on core 1; CPU per request is the app process’s user+system time over the requests it served.'
          : 'No core pinning on this machine: the app and the load generator share the CPU.',
      ],
      targets: [
        {
          target: 'a cached resource check ≥ 0.90 of AuthingGuard alone',
          met: resource.requestsPerSec >= 0.9 * guarded.requestsPerSec,
        },
        {
          target: 'zero authorization requests to Authing once warm',
          met: resource.authing === 0 && roles.authing === 0,
        },
      ],
    };
  } finally {
    await app?.stop();
    await management.close();
    await client.close();
    await emulator.stop();
  }
}
