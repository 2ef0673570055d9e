import { ManagementClient } from '../lib/sdk/index.js';
import { comparisonHeader, comparisonRow, compareRoutes, roundsNote, signedInToken } from './rounds.js';
import { LOAD_CPU, PINNING, SERVER_CPU, startEmulatorProcess, startWorker, type BenchSection } from './util.js';

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
  let app: Awaited<ReturnType<typeof startWorker<{ origin: string }>>> | undefined;
  try {
    const token = await signedInToken({ appHost: emulator.appHost, appId, appSecret }, USER);
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
    const [guarded, resource, roles] = await compareRoutes(
      ['/guarded/42', '/orders/42', '/roles-all/42'].map((path) => ({
        url: origin + path,
        cpu: () => worker.ask<number>('cpu'),
      })),
      {
        connections: CONNECTIONS,
        seconds: SECONDS,
        rounds: ROUNDS,
        // Verifies the token, fills the answer and role caches, lets the JIT settle.
        warmUpSeconds: 2,
        headers,
        counter: async () => authingRequests(await emulator.stats()),
      },
    );
    if (!guarded || !resource || !roles) throw new Error('missing result');
    const row = (name: string, r: typeof guarded): string[] => comparisonRow(name, r, guarded, String(r.counted));
    return {
      title: `Authorization cost on express (${CONNECTIONS} connections, ${SECONDS} s per measurement, median of the counted rounds, counts in the notes)`,
      rows: [
        comparisonHeader('AuthingGuard alone', 'authorization requests to Authing'),
        row('AuthingGuard, cached bearer token (baseline)', guarded),
        row("+ @ResourceAccess({ resource: 'order', id: { param: 'id' } }), cached answer", resource),
        row("+ @Roles({ roles: ['admin', 'bench'], match: 'all' }), management source, cached", roles),
      ],
      notes: [
        roundsNote([
          { name: '@ResourceAccess', result: resource },
          { name: '@Roles all', result: roles },
        ]),
        'The three routes have the same shape (one route parameter, read by the handler), so Express’s own cost of a parameterised route is in the baseline too.',
        'One app serves the three routes with the same valid bearer token; the answer and role caches are long enough (600 s) that the measured requests never wait for Authing, so the added cost is the check itself: the route requirements read once per handler, the id read from the route, one cache lookup, the promise the guard awaits.',
        PINNING
          ? 'The app runs in its own process on core 0, the load generator and the emulator on core 1; CPU per request is the app process’s user+system time over the requests it served.'
          : 'No core pinning on this machine: the app and the load generator share the CPU.',
      ],
      targets: [
        {
          target: 'a cached resource check ≥ 0.90 of AuthingGuard alone',
          met: resource.ratio >= 0.9,
        },
        {
          target: 'zero authorization requests to Authing once warm',
          met: resource.counted === 0 && roles.counted === 0,
        },
      ],
    };
  } finally {
    await app?.stop();
    await management.close();
    await emulator.stop();
  }
}
