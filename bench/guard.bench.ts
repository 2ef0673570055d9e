import { AuthenticationClient } from '../lib/sdk/index.js';
import { startBenchApp } from './nest-apps.js';
import { fmt, load, startEmulatorProcess, type BenchSection, type LoadResult } from './util.js';

const CONNECTIONS = 32;
const SECONDS = 4;
const ROUNDS = 3;

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

function identityRequests(stats: Record<string, number>): number {
  return Object.entries(stats)
    .filter(([path]) => path.startsWith('/oidc/'))
    .reduce((sum, [, n]) => sum + n, 0);
}

/**
 * Guard overhead and the per-request client: the same route open, behind AuthingGuard, and behind
 * @nestjs/passport + passport-jwt + jwks-rsa; then a route injecting the request-scoped
 * AuthenticationClient against one using @AuthingClient(). Load from a separate autocannon process.
 */
export async function guardBenches(): Promise<BenchSection[]> {
  const emulator = await startEmulatorProcess({
    seed: { users: [{ email: 'bench@example.com', password: 'Bench-passw0rd', roles: ['admin'] }] },
  });
  const { appId, appSecret } = emulator.app;
  const token = await signedInToken(emulator.appHost, appId, appSecret);
  const { app, origin } = await startBenchApp({ appHost: emulator.appHost, appId, appSecret });
  const bearer = { authorization: `Bearer ${token}` };
  try {
    const measure = async (path: string, headers?: Record<string, string>): Promise<LoadResult & { idp: number }> => {
      const before = identityRequests(await emulator.stats());
      const result = await load(origin + path, { connections: CONNECTIONS, seconds: SECONDS, headers });
      const after = identityRequests(await emulator.stats());
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${path}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
      }
      return { ...result, idp: after - before };
    };
    /**
     * Interleaved rounds with a rotating order, so that drift in machine load hits every route alike;
     * each route's figure is its median round.
     */
    const compare = async (paths: string[]): Promise<(LoadResult & { idp: number })[]> => {
      for (const path of paths) await load(origin + path, { connections: CONNECTIONS, seconds: 2, headers: bearer });
      const rounds: (LoadResult & { idp: number })[][] = paths.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < paths.length; k++) {
          const index = (k + round) % paths.length;
          rounds[index]!.push(await measure(paths[index]!, bearer));
        }
      }
      return rounds.map((list) => {
        const sorted = [...list].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
        const median = sorted[Math.floor(sorted.length / 2)]!;
        return {
          ...median,
          total: list.reduce((sum, r) => sum + r.total, 0),
          idp: list.reduce((sum, r) => sum + r.idp, 0),
        };
      });
    };
    const [open, guarded, passport] = await compare(['/open', '/guarded', '/passport-jwt']);
    const [bare, decorator, scoped] = await compare(['/open', '/client-decorator', '/client-scoped']);
    if (!open || !guarded || !passport || !bare || !decorator || !scoped) throw new Error('missing result');

    const row = (name: string, r: LoadResult & { idp: number }, base: LoadResult): string[] => [
      name,
      fmt(r.requestsPerSec),
      fmt(r.requestsPerSec / base.requestsPerSec, 2),
      String(r.p50),
      String(r.p99),
      fmt(r.total),
      String(r.idp),
    ];
    const header = [
      'route',
      'req/s',
      'ratio to open route',
      'p50 ms',
      'p99 ms',
      'requests',
      'requests to the identity server',
    ];
    return [
      {
        title: `Guard overhead (autocannon, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s per route)`,
        rows: [
          header,
          row('open route, no guard (baseline)', open, open),
          row('AuthingGuard, bearer token (local JWKS)', guarded, open),
          row('@nestjs/passport + passport-jwt + jwks-rsa', passport, open),
        ],
        notes: [
          'Every request carries the same valid bearer token from the emulator; the emulator runs in its own process and counts the requests it serves under /oidc.',
        ],
        targets: [
          { target: 'AuthingGuard ≥ 0.90 of the open route', met: guarded.requestsPerSec >= 0.9 * open.requestsPerSec },
          {
            target: 'AuthingGuard at least as fast as passport-jwt + jwks-rsa',
            met: guarded.requestsPerSec >= passport.requestsPerSec,
          },
          { target: 'zero requests to the identity server once warm', met: guarded.idp === 0 },
        ],
      },
      {
        title: `Per-request AuthenticationClient (autocannon, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s per route)`,
        rows: [
          header,
          row('no client (baseline)', bare, bare),
          row('@AuthingClient() parameter decorator (no scope bubbling)', decorator, bare),
          row('request-scoped AuthenticationClient injected in the controller', scoped, bare),
        ],
        notes: [
          'The request-scoped provider makes Nest build the controller and its request-scoped dependencies for every request; the decorator derives the client from a singleton with `withAccessToken`, sharing the connection pool and key cache.',
        ],
        targets: [
          {
            target: '@AuthingClient() ≥ 0.95 of the bare route',
            met: decorator.requestsPerSec >= 0.95 * bare.requestsPerSec,
          },
        ],
      },
    ];
  } finally {
    await app.close();
    await emulator.stop();
  }
}
