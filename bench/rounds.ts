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
/**
 * A route over all rounds: its median round, with totals; its ratio to the first route, the number
 * of rounds that ratio is the median of, and how many were run.
 */
export type Compared = Measured & { ratio: number; rounds: number; roundsRun: number };

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

/** How far apart the two baseline measurements around a route may be for its round to count. */
const STABLE = 0.05;

/**
 * Compares each route with the first (the baseline) after a discarded warm-up round. A round loads
 * the baseline, then every other route in a rotating order with the baseline again after each
 * (B X₁ B X₂ B …), and rates each route against the mean of the two baseline measurements around
 * it. This machine's speed drifts over seconds (a shared host): a drift that is linear over the
 * three neighbouring measurements cancels out, and a round whose two baselines differ by more than
 * 5% (the machine changed speed within it) does not count. Rounds go on until every route has
 * `rounds` counted ratios, or three times as many rounds have run (then every ratio counts); a
 * route's ratio is the median of its counted ones.
 */
export async function compareRoutes(routes: LoadRoute[], options: RoundOptions): Promise<Compared[]> {
  for (const route of routes) await measure(route, options, options.warmUpSeconds ?? options.seconds);
  const [baselineRoute, ...others] = routes;
  if (!baselineRoute) return [];
  const rounds: Measured[][] = routes.map(() => []);
  const stable: number[][] = routes.map(() => []);
  const all: number[][] = routes.map(() => []);
  const enough = (): boolean => stable.every((list, index) => index === 0 || list.length >= options.rounds);
  for (let round = 0; round < 3 * options.rounds && !enough(); round++) {
    let before = await measure(baselineRoute, options, options.seconds);
    rounds[0]!.push(before);
    for (let k = 0; k < others.length; k++) {
      const index = 1 + ((k + round) % others.length);
      const measured = await measure(routes[index]!, options, options.seconds);
      const after = await measure(baselineRoute, options, options.seconds);
      rounds[index]!.push(measured);
      rounds[0]!.push(after);
      const ratio = measured.requestsPerSec / ((before.requestsPerSec + after.requestsPerSec) / 2);
      all[index]!.push(ratio);
      if (Math.abs(after.requestsPerSec / before.requestsPerSec - 1) <= STABLE) stable[index]!.push(ratio);
      before = after;
    }
  }
  const complete = enough();
  return rounds.map((list, index) => {
    const byRate = [...list].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
    const kept = complete ? stable[index]! : all[index]!;
    return {
      ...byRate[Math.floor(byRate.length / 2)]!,
      total: list.reduce((sum, r) => sum + r.total, 0),
      counted: list.reduce((sum, r) => sum + r.counted, 0),
      cpuPerRequest: median(list.map((r) => r.cpuPerRequest)),
      ratio: index === 0 ? 1 : median(kept),
      rounds: index === 0 ? list.length : kept.length,
      roundsRun: index === 0 ? list.length : all[index]!.length,
    };
  });
}

/** A note for a comparison's section: how its ratios were obtained, with the rounds each counts. */
export function roundsNote(results: { name: string; result: Compared }[]): string {
  const counts = results.map(({ name, result }) => `${name} ${result.rounds} of ${result.roundsRun}`).join(', ');
  return (
    'Each route is measured between two measurements of the baseline and rated against their mean; a round in which the two baselines differ by more than 5% (the shared host changed speed) is not counted, and the ratio is the median of the counted rounds (' +
    counts +
    ').'
  );
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
