import { AuthenticationClient } from '../lib/sdk/index.js';
import { fmt, load, type LoadResult } from './util.js';

/** One route under load: its URL and how to read the CPU time of the process that serves it. */
export interface LoadRoute {
  url: string;
  /** The serving process's user+system CPU time in µs. */
  cpu: () => Promise<number>;
}

export interface RoundOptions {
  connections: number;
  seconds: number;
  /** Measured rounds per route, after one discarded warm-up round. */
  rounds: number;
  /** Length of the warm-up round per route; `seconds` when omitted. */
  warmUpSeconds?: number;
  headers?: Record<string, string>;
  /** Requests some other server has served so far (the identity server), counted per round. */
  counter?: () => Promise<number>;
}

/** One round of one route: the load figures, the server's CPU per request and the counted requests. */
export type Measured = LoadResult & { cpuPerRequest: number; counted: number };
/** A route over all rounds: its median round, with totals and its ratio to the first route. */
export type Compared = Measured & { ratio: number };

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(route: LoadRoute, options: RoundOptions, seconds: number): Promise<Measured> {
  const countedBefore = (await options.counter?.()) ?? 0;
  const cpuBefore = await route.cpu();
  const result = await load(route.url, { connections: options.connections, seconds, headers: options.headers });
  const cpuAfter = await route.cpu();
  const countedAfter = (await options.counter?.()) ?? 0;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${route.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  return { ...result, counted: countedAfter - countedBefore, cpuPerRequest: (cpuAfter - cpuBefore) / result.total };
}

/**
 * Loads the routes in interleaved rounds with a rotating order, so that drift in machine load hits
 * every route alike, after a warm-up round that is discarded. A route's ratio is the median over the
 * rounds of its throughput over the first route's in the same round: neighbouring measurements, so a
 * slow patch of the machine cancels out.
 */
export async function compareRoutes(routes: LoadRoute[], options: RoundOptions): Promise<Compared[]> {
  for (const route of routes) await measure(route, options, options.warmUpSeconds ?? options.seconds);
  const rounds: Measured[][] = routes.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < routes.length; k++) {
      const index = (k + round) % routes.length;
      rounds[index]!.push(await measure(routes[index]!, options, options.seconds));
    }
  }
  const baseline = rounds[0]!;
  return rounds.map((list) => {
    const byRate = [...list].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
    return {
      ...byRate[Math.floor(byRate.length / 2)]!,
      total: list.reduce((sum, r) => sum + r.total, 0),
      counted: list.reduce((sum, r) => sum + r.counted, 0),
      cpuPerRequest: median(list.map((r) => r.cpuPerRequest)),
      ratio: median(list.map((r, i) => r.requestsPerSec / baseline[i]!.requestsPerSec)),
    };
  });
}

/** The columns every comparison table starts with, then `extra`. */
export function comparisonHeader(ratioTo: string, ...extra: string[]): string[] {
  return [
    'route',
    'req/s (median round)',
    `ratio to ${ratioTo} (median of rounds)`,
    'server CPU per request',
    'added CPU per request',
    'p50 ms',
    'p99 ms',
    'requests',
    ...extra,
  ];
}

/** A route's row under {@link comparisonHeader}; `base` is the route the added CPU is counted from. */
export function comparisonRow(name: string, r: Compared, base: Measured, ...extra: string[]): string[] {
  return [
    name,
    fmt(r.requestsPerSec),
    fmt(r.ratio, 2),
    `${fmt(r.cpuPerRequest)} µs`,
    `${fmt(r.cpuPerRequest - base.cpuPerRequest, 1)} µs`,
    String(r.p50),
    String(r.p99),
    fmt(r.total),
    ...extra,
  ];
}

/** An access token of the emulator's seeded bench user, from a password sign-in. */
export async function signedInToken(
  app: { appHost: string; appId: string; appSecret: string },
  user: { email: string; password: string },
): Promise<string> {
  const client = new AuthenticationClient(app);
  try {
    const result = await client.signInByEmailPassword(user);
    if (result.statusCode !== 200) throw new Error(`sign-in failed: ${result.message}`);
    return result.data.access_token;
  } finally {
    await client.close();
  }
}
