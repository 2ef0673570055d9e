import type { BenchPlatform } from './nest-apps.js';
import {
  comparisonHeader,
  comparisonRow,
  compareRoutes,
  roundsNote,
  signedInToken,
  type Comparison,
  type Compared,
  type Measured,
} from './rounds.js';
import { LOAD_CPU, PINNING, SERVER_CPU, startEmulatorProcess, startWorker, fmt, type BenchSection } from './util.js';

const CONNECTIONS = 32;
/** Seconds of interleaved phases for a target route and its baseline (see compareRoutes). */
const TARGET_SECONDS = 60;
/** Seconds of phases for the routes shown for comparison. */
const SECONDS = 30;
const USER = { email: 'bench@example.com', password: 'Bench-passw0rd' };

function identityRequests(stats: Record<string, number>): number {
  return Object.entries(stats)
    .filter(([path]) => path.startsWith('/oidc/'))
    .reduce((sum, [, n]) => sum + n, 0);
}

/**
 * Guard overhead and the per-request client, on Express and on Fastify: the same route open, behind
 * AuthingGuard, and (Express) behind @nestjs/passport + passport-jwt + jwks-rsa; then a route
 * injecting the request-scoped AuthenticationClient against one using @AuthingClient(). Load from a
 * separate load-generator process.
 */
export async function guardBenches(): Promise<BenchSection[]> {
  const emulator = await startEmulatorProcess({ seed: { users: [{ ...USER, roles: ['admin'] }] } }, LOAD_CPU);
  try {
    const { appId, appSecret } = emulator.app;
    const token = await signedInToken({ appHost: emulator.appHost, appId, appSecret }, USER);
    const sections: BenchSection[] = [];
    for (const platform of ['express', 'fastify'] as const) {
      sections.push(...(await platformBenches(emulator, token, platform)));
    }
    return sections;
  } finally {
    await emulator.stop();
  }
}

type BenchEmulator = Awaited<ReturnType<typeof startEmulatorProcess>>;

async function platformBenches(
  emulator: BenchEmulator,
  token: string,
  platform: BenchPlatform,
): Promise<BenchSection[]> {
  const { appId, appSecret } = emulator.app;
  const app = await startWorker<{ origin: string }>(
    'build/bench/app-process.js',
    { appHost: emulator.appHost, appId, appSecret, platform },
    SERVER_CPU,
  );
  const origin = app.info.origin;
  const bearer = { authorization: `Bearer ${token}` };
  try {
    const cpu = (): Promise<number> => app.ask<number>('cpu');
    const compare = (paths: string[], seconds: number): Promise<Comparison> =>
      compareRoutes(
        paths.map((path) => ({ url: origin + path, cpu })),
        {
          connections: CONNECTIONS,
          seconds,
          warmUpSeconds: 3,
          headers: bearer,
          counter: async () => identityRequests(await emulator.stats()),
        },
      );
    // Each target is compared with its baseline alone, so that no other route's windows (and the
    // garbage a heavier route leaves for the next window to collect) sit between them.
    const target = await compare(['/open', '/auth'], TARGET_SECONDS);
    const [open, guarded] = target.routes;
    const [bare, decorator] = (await compare(['/open', '/clnt'], TARGET_SECONDS)).routes;
    const others = await compare(['/open', '/noop', ...(platform === 'express' ? ['/pjwt'] : [])], SECONDS);
    const [guardBase, noop, passport] = others.routes;
    const [clientBase, scoped, noopPipe, requestParam] = (await compare(['/open', '/scop', '/pipe', '/reqp'], SECONDS))
      .routes;
    if (!open || !guarded || !guardBase || !noop || !bare || !decorator || !clientBase || !scoped) {
      throw new Error('missing result');
    }
    if (!noopPipe || !requestParam || (platform === 'express' && !passport)) throw new Error('missing result');

    const row = (name: string, r: Compared, base: Measured): string[] => comparisonRow(name, r, base);
    const header = comparisonHeader('baseline');
    return [
      {
        title: `Guard overhead on ${platform} (${CONNECTIONS} connections, ${guarded.phaseMs} ms phases, ${TARGET_SECONDS} s for AuthingGuard and ${SECONDS} s for the others, ratios with 95% intervals)`,
        rows: [
          header,
          row('open route, no guard (baseline)', open, open),
          row('AuthingGuard, bearer token (local JWKS)', guarded, open),
          row('a guard that only returns true (Nest’s guard machinery alone)', noop, guardBase),
          ...(passport ? [row('@nestjs/passport + passport-jwt + jwks-rsa', passport, guardBase)] : []),
        ],
        notes: [
          roundsNote([
            { name: 'AuthingGuard', result: guarded },
            { name: 'no-op guard', result: noop },
            ...(passport ? [{ name: 'passport-jwt', result: passport }] : []),
          ]),
          'AuthingGuard is compared with the open route alone; the other rows come from a second comparison with its own baseline windows, whose CPU they are counted from. Every route’s path has four letters, as `/open` has: on Fastify a longer path alone measurably costs throughput (see bench/nest-apps.ts).',
          `Every request carries the same valid bearer token from the emulator; the emulator runs in its own process and counts the requests it serves under /oidc: ${target.counted} during AuthingGuard's comparison, ${others.counted} during the other one.`,
          PINNING
            ? 'The app runs in its own process on core 0, the load generator (and the idle emulator) on core 1; a route’s CPU per request is its windows’ time at the app core’s busy share (the app process’s user+system time over the comparison), over the requests it served.'
            : 'No core pinning on this machine: the app and the load generator share the CPU.',
          'The guard answers a token it has already verified synchronously: the route’s access metadata read once per handler, the request taken by index (no switchToHttp() closures), and the user built once per verified token. A keep-alive connection repeating the header it last presented (as here) costs a string comparison and a check that the SDK still remembers the claims; a new header costs the token’s SHA-256 and a lookup in the SDK’s verified-token cache.',
        ],
        targets: [
          {
            target: `AuthingGuard ≥ 0.93 of the open route (${platform}): ${fmt(guarded.ratio, 3)}`,
            met: guarded.ratio >= 0.93,
          },
          ...(platform === 'express'
            ? [
                {
                  target: 'AuthingGuard at least as fast as passport-jwt + jwks-rsa',
                  met: passport !== undefined && guarded.ratio >= passport.ratio,
                },
              ]
            : []),
          { target: 'zero requests to the identity server once warm', met: target.counted === 0 },
        ],
      },
      {
        title: `Per-request AuthenticationClient on ${platform} (${CONNECTIONS} connections, ${decorator.phaseMs} ms phases, ${TARGET_SECONDS} s for @AuthingClient() and ${SECONDS} s for the others, ratios with 95% intervals)`,
        rows: [
          header,
          row('no client (baseline)', bare, bare),
          row('@AuthingClient() parameter decorator (no scope bubbling)', decorator, bare),
          row('request-scoped AuthenticationClient injected in the controller', scoped, clientBase),
          row(
            "a parameter decorator that only returns the request (Nest's floor for any custom parameter)",
            requestParam,
            clientBase,
          ),
        ],
        notes: [
          roundsNote([
            { name: '@AuthingClient()', result: decorator },
            { name: 'request-scoped client', result: scoped },
            { name: 'no-op pipe', result: noopPipe },
            { name: 'request-only parameter', result: requestParam },
          ]),
          '@AuthingClient() is compared with the bare route alone; the other rows come from a second comparison with its own baseline windows, whose CPU they are counted from. Every route answers the same body, on a path of four letters.',
          'The request-scoped provider makes Nest build the controller and its request-scoped dependencies for every request; the decorator derives the client from a singleton with `withAccessToken`, sharing the connection pool and key cache.',
          `For comparison, a parameter decorator with an injectable pipe that does nothing served ${fmt(noopPipe.ratio, 2)} of the bare route at ${fmt(noopPipe.cpuPerRequest - clientBase.cpuPerRequest, 1)} µs added per request: Nest settles a piped parameter through promises, which is why @AuthingClient() is a factory without a pipe.`,
        ],
        targets: [
          {
            target: `@AuthingClient() ≥ 0.95 of the bare route (${platform}): ${fmt(decorator.ratio, 3)}`,
            met: decorator.ratio >= 0.95,
          },
        ],
      },
    ];
  } finally {
    await app.stop();
  }
}
