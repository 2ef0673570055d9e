import { AuthenticationClient } from '../lib/sdk/index.js';
import { fmt, startLoadGenerator, type LoadGenerator, type LoadResult } from './util.js';

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

/**
 * One round of one route: the load figures, the server's CPU per request, the share of the window
 * its core was busy, and the counted requests.
 */
export type Measured = LoadResult & { cpuPerRequest: number; busy: number; counted: number };
/**
 * A route over all rounds: its median round, with totals; its ratio to the first route, the number
 * of rounds that ratio is the median of, and how many were run.
 */
export type Compared = Measured & {
  ratio: number;
  rounds: number;
  roundsRun: number;
  /** The first and third quartiles of the counted ratings: how much one round's rating varies. */
  quartiles: [number, number];
};

/** The value at `fraction` (0.5: the median) of `values` in ascending order. */
const quantile = (values: number[], fraction: number): number =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * fraction + 0.5)]!;
export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * After the load switches to another route, what is still in flight for the previous one is
 * answered before the window opens, so that a window holds one route's requests only.
 */
const SETTLE_MS = 150;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(
  loader: LoadGenerator,
  route: LoadRoute,
  options: RoundOptions,
  seconds: number,
): Promise<Measured> {
  await loader.target(route.url, { connections: options.connections, headers: options.headers });
  await sleep(SETTLE_MS);
  const countedBefore = (await options.counter?.()) ?? 0;
  const cpuBefore = await route.cpu();
  await loader.open();
  await sleep(seconds * 1000);
  const result = await loader.close();
  const cpuAfter = await route.cpu();
  const countedAfter = (await options.counter?.()) ?? 0;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${route.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  return {
    requestsPerSec: result.requestsPerSec,
    p50: result.p50,
    p99: result.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    total: result.total,
    counted: countedAfter - countedBefore,
    cpuPerRequest: (cpuAfter - cpuBefore) / result.total,
    busy: (cpuAfter - cpuBefore) / (result.ms * 1000),
  };
}

/** How far apart the two baseline measurements around a route may be for its round to count. */
const STABLE = 0.05;

/**
 * Compares each route with the first (the baseline) after a discarded warm-up window per route.
 * The load never pauses: one load generator runs throughout and only switches route (see
 * `load-process.ts`). The baseline and the other routes alternate, the others in a rotating order
 * (B X₁ B X₂ B … X₁ B …), and each route's window is rated against the mean of the two baseline
 * windows around it. This machine's speed drifts over seconds (a shared host): a drift that is
 * linear over three neighbouring windows cancels out, and a rating whose two baselines differ by
 * more than 5% (the machine changed speed within it) does not count. Rounds go on until every route
 * has `rounds` counted ratings, or three times as many rounds have run (then every rating counts); a
 * route's ratio is the median of its counted ratings.
 */
export async function compareRoutes(routes: LoadRoute[], options: RoundOptions): Promise<Compared[]> {
  const [baselineRoute, ...others] = routes;
  if (!baselineRoute) return [];
  const loader = await startLoadGenerator();
  try {
    for (const route of [...others, baselineRoute]) {
      await measure(loader, route, options, options.warmUpSeconds ?? options.seconds);
    }
    const rounds: Measured[][] = routes.map(() => []);
    const stable: number[][] = routes.map(() => []);
    const all: number[][] = routes.map(() => []);
    const enough = (): boolean => stable.every((list, index) => index === 0 || list.length >= options.rounds);
    let before = await measure(loader, baselineRoute, options, options.seconds);
    rounds[0]!.push(before);
    for (let round = 0; round < 3 * options.rounds && !enough(); round++) {
      for (let k = 0; k < others.length; k++) {
        const index = 1 + ((k + round) % others.length);
        const measured = await measure(loader, routes[index]!, options, options.seconds);
        const after = await measure(loader, baselineRoute, options, options.seconds);
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
        busy: median(list.map((r) => r.busy)),
        ratio: index === 0 ? 1 : median(kept),
        quartiles: index === 0 ? [1, 1] : [quantile(kept, 0.25), quantile(kept, 0.75)],
        rounds: index === 0 ? list.length : kept.length,
        roundsRun: index === 0 ? list.length : all[index]!.length,
      };
    });
  } finally {
    await loader.stop();
  }
}

/** A note for a comparison's section: how its ratios were obtained, with the rounds each counts. */
export function roundsNote(results: { name: string; result: Compared }[]): string {
  const counts = results
    .map(({ name, result }) => {
      const [low, high] = result.quartiles;
      return `${name} ${result.rounds} of ${result.roundsRun}, middle half ${fmt(low, 2)}–${fmt(high, 2)}`;
    })
    .join('; ');
  const busy = results.map(({ result }) => result.busy);
  const percent = (share: number): string => fmt(share * 100, 0);
  return (
    'The load never pauses: one load-generator process keeps the connections busy and switches route between windows, and a window opens 150 ms after the switch. ' +
    'Each route’s window lies between two windows of the baseline and is rated against their mean; a rating whose two baselines differ by more than 5% (the shared host changed speed) is not counted, and the ratio is the median of the counted ratings (counted of run, and the range of the middle half of the counted ratings: ' +
    counts +
    `). The app’s core was busy ${percent(Math.min(...busy))}–${percent(Math.max(...busy))}% of these routes’ windows (medians), so its own cost per request decided its throughput.`
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
