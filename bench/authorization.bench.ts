import { ManagementClient } from '../lib/sdk/index.js';
import { comparisonHeader, comparisonRow, compareRoutes, roundsNote, signedInToken } from './rounds.js';
import { LOAD_CPU, PINNING, SERVER_CPU, startEmulatorProcess, startWorker, type BenchSection } from './util.js';

const CONNECTIONS = 32;
/** Seconds of interleaved phases; AUTHZ_BENCH_SECONDS shortens a trial run (the published figures use 30). */
const SECONDS = Math.max(1, Number(process.env.AUTHZ_BENCH_SECONDS ?? 30) || 30);
const USER = { email: 'bench@example.com', password: 'Bench-passw0rd', roles: ['admin', 'bench'] };

/** Requests the emulator served that an authorization decision costs (resource checks, role lookups). */
function authingRequests(stats: Record<string, number>): number {
  const paths = ['/api/v3/is-action-allowed', '/api/v3/check-permission', '/api/v3/get-user-roles'];
  return paths.reduce((sum, path) => sum + (stats[path] ?? 0), 0);
}

/**
 * The added cost per request of a cached resource-instance check (@ResourceAccess) and of an
 * `all`-match role check against AuthingGuard alone on a cached bearer token: one app, one run,
 * interleaved phases, each route's median rating.
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
    // One function for the one process: compareRoutes tells processes apart by it.
    const cpu = (): Promise<number> => worker.ask<number>('cpu');
    const comparison = await compareRoutes(
      ['/guarded/42', '/orders/42', '/roles-all/42'].map((path) => ({ url: origin + path, cpu })),
      {
        connections: CONNECTIONS,
        seconds: SECONDS,
        // Verifies the token, fills the answer and role caches, lets the JIT settle.
        warmUpSeconds: 2,
        headers,
        counter: async () => authingRequests(await emulator.stats()),
      },
    );
    const [guarded, resource, roles] = comparison.routes;
    if (!guarded || !resource || !roles) throw new Error('missing result');
    const row = (name: string, r: typeof guarded): string[] => comparisonRow(name, r, guarded);
    return {
      title: `Authorization cost on express (${CONNECTIONS} connections, ${guarded.phaseMs} ms phases for ${SECONDS} s, ratios with 95% intervals)`,
      rows: [
        comparisonHeader('AuthingGuard alone'),
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
        `Authorization requests Authing (the emulator) served during the comparison: ${comparison.counted}.`,
        'One app serves the three routes with the same valid bearer token; the answer and role caches are long enough (600 s) that the measured requests never wait for Authing, so the added cost is the check itself: the route requirements read once per handler, the id read from the route, one cache lookup, the promise the guard awaits.',
        PINNING
          ? 'The app runs in its own process on core 0, the load generator and the emulator on core 1; a route’s CPU per request is its windows’ time at the app core’s busy share (the app process’s user+system time over the comparison), over the requests it served.'
          : 'No core pinning on this machine: the app and the load generator share the CPU.',
      ],
      targets: [
        {
          target: 'a cached resource check ≥ 0.90 of AuthingGuard alone',
          met: resource.ratio >= 0.9,
        },
        {
          target: 'zero authorization requests to Authing once warm',
          met: comparison.counted === 0,
        },
      ],
    };
  } finally {
    await app?.stop();
    await management.close();
    await emulator.stop();
  }
}
