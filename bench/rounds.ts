import { AuthenticationClient } from '../lib/sdk/index.js';
import type { PhaseFigures } from './load-process.js';
import { fmt, startLoadGenerator } from './util.js';

/** One route under load: its URL and how to read the CPU time of the process that serves it. */
export interface LoadRoute {
  url: string;
  /** The serving process's user+system CPU time in µs (routes of one process share the function). */
  cpu: () => Promise<number>;
}

export interface RoundOptions {
  connections: number;
  /** Seconds of measured phases, after the warm-up. */
  seconds: number;
  /** Length of one phase's window; when omitted, about 16 requests per connection at the baseline's warm-up rate. */
  phaseMs?: number;
  /** Seconds each route is loaded before the measured phases. */
  warmUpSeconds: number;
  headers?: Record<string, string>;
  /** Requests some other server has served so far (the identity server), counted over the comparison. */
  counter?: () => Promise<number>;
}

/** A route over all its phases: throughput, latency, the serving core's CPU. */
export interface Measured {
  requestsPerSec: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  /** Requests answered within the route's windows. */
  total: number;
  /** The serving process's CPU time per request, in µs (see {@link compareRoutes}). */
  cpuPerRequest: number;
  /** The share of the time the serving process's core was busy. */
  busy: number;
}

/** A route compared with the first: its throughput ratio, and how precise that ratio is. */
export type Compared = Measured & {
  ratio: number;
  /** An approximate 95% confidence interval of the ratio (jackknife over blocks of phases). */
  interval: [number, number];
  /** How many phases the route had, and how long each lasted (ms). */
  phases: number;
  phaseMs: number;
};

/** A comparison's routes, and what the counter counted while it ran. */
export interface Comparison {
  routes: Compared[];
  counted: number;
}

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One phase of a route with the baseline phases on either side of it. */
interface Triple {
  phase: PhaseFigures;
  around: [PhaseFigures, PhaseFigures];
}

/** Requests per ms over `phases` (their requests over their windows' time). */
const rateOf = (phases: PhaseFigures[]): number =>
  phases.reduce((sum, phase) => sum + phase.requests, 0) / phases.reduce((sum, phase) => sum + phase.ms, 0);

/** A route's throughput over its phases against the baseline's over the phases around them. */
const ratioOf = (triples: Triple[]): number =>
  rateOf(triples.map((triple) => triple.phase)) / rateOf(triples.flatMap((triple) => triple.around));

/** Blocks of consecutive phases the jackknife leaves out one at a time. */
const BLOCKS = 20;

/**
 * A 95% interval for {@link ratioOf}: the jackknife's standard error over blocks of consecutive
 * phases (blocks, because the host's speed, and so the phases' noise, is correlated over time).
 */
function intervalOf(triples: Triple[], ratio: number): [number, number] {
  const size = Math.ceil(triples.length / BLOCKS);
  const blocks = Math.ceil(triples.length / size);
  if (blocks < 2) return [ratio, ratio];
  const leftOut = Array.from({ length: blocks }, (_, b) =>
    ratioOf([...triples.slice(0, b * size), ...triples.slice((b + 1) * size)]),
  );
  const mean = leftOut.reduce((sum, value) => sum + value, 0) / blocks;
  const variance = ((blocks - 1) / blocks) * leftOut.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  const error = 1.96 * Math.sqrt(variance);
  return [ratio - error, ratio + error];
}

/**
 * The phases of a comparison: the baseline (0) between every two others, which take turns
 * (0 X₁ 0 X₂ 0 … 0 X₁ 0 …), starting and ending with the baseline.
 */
function phaseOrder(routes: number, phases: number): number[] {
  const order = [0];
  for (let k = 0; order.length < phases; k++) order.push(1 + (k % (routes - 1)), 0);
  return order;
}

/** Requests per connection a phase should hold, so that the switch between routes is short beside it. */
const REQUESTS_PER_CONNECTION = 16;

/**
 * Compares each route with the first (the baseline). One load-generator process runs throughout
 * and switches route on its own clock (see `load-process.ts`); a phase's window opens once the
 * previous route's requests are answered. After a warm-up, the baseline and the other routes
 * alternate in short phases (about 16 requests per connection: 20 ms on a fast server), so every
 * phase of a route has baseline phases tens of milliseconds before and after it. A route's ratio is
 * its throughput over all its phases against the baseline's over the phases around them. This
 * host's speed varies by tens of percent from one second to the next; phases that close together
 * see it at the same speed, and a minute holds over a thousand of them. Sums, not a median of
 * per-phase ratings: a cost that comes in lumps (a garbage collection) falls in a few phases only,
 * and a median would leave it out.
 *
 * The CPU per request: the serving process's CPU time over the comparison gives how busy its core
 * was (near 100%: the server, not the load, set the pace), and a route's requests share its windows'
 * time at that rate. Per-window CPU readings would cost a round trip per phase.
 */
export async function compareRoutes(routes: LoadRoute[], options: RoundOptions): Promise<Comparison> {
  if (routes.length < 2) throw new Error('compareRoutes: a baseline and at least one route');
  const loader = await startLoadGenerator();
  try {
    const scheduled = {
      routes: routes.map(({ url }) => ({ url, headers: options.headers })),
      connections: options.connections,
    };
    const warmUp = routes.map((_, index) => (index + 1) % routes.length);
    const warm = await loader.schedule({ ...scheduled, order: warmUp, phaseMs: options.warmUpSeconds * 1000 });
    const baselineRate = rateOf(warm.phases.slice(-1));
    const phaseMs =
      options.phaseMs ??
      Math.min(500, Math.max(10, Math.round((REQUESTS_PER_CONNECTION * options.connections) / baselineRate)));

    const processes = [...new Set(routes.map((route) => route.cpu))];
    const countedBefore = (await options.counter?.()) ?? 0;
    const cpuBefore = await Promise.all(processes.map((cpu) => cpu()));
    const started = performance.now();
    const phases = Math.max(3, Math.round((options.seconds * 1000) / phaseMs) | 1);
    const figures = await loader.schedule({ ...scheduled, order: phaseOrder(routes.length, phases), phaseMs });
    const wall = (performance.now() - started) * 1000;
    const cpuAfter = await Promise.all(processes.map((cpu) => cpu()));
    const counted = ((await options.counter?.()) ?? 0) - countedBefore;

    const failed = figures.routes.findIndex((route) => route.errors > 0 || route.non2xx > 0);
    if (failed >= 0) {
      const { non2xx, errors } = figures.routes[failed]!;
      throw new Error(`${routes[failed]!.url}: ${non2xx} non-2xx answers and ${errors} errors under load`);
    }
    const run = figures.phases;
    const triples: Triple[][] = routes.map(() => []);
    for (let i = 1; i + 1 < run.length; i += 2) {
      triples[run[i]!.route]!.push({ phase: run[i]!, around: [run[i - 1]!, run[i + 1]!] });
    }
    // Each process's core: its CPU time over the wall time of its routes' windows (shares of the run).
    const windowMs = (of: (route: number) => boolean): number =>
      run.filter((phase) => of(phase.route)).reduce((sum, phase) => sum + phase.ms, 0);
    const allMs = windowMs(() => true);
    const busy = processes.map((cpu, p) => {
      const share = windowMs((route) => routes[route]!.cpu === cpu) / allMs;
      return (cpuAfter[p]! - cpuBefore[p]!) / (wall * share);
    });
    // A process is told apart by its `cpu` function: two functions for one process double-count it.
    if (busy.some((share) => share > 1.2)) {
      throw new Error('compareRoutes: routes served by one process must share one cpu function');
    }
    return {
      counted,
      routes: routes.map((route, index) => {
        const own = run.filter((phase) => phase.route === index);
        const total = own.reduce((sum, phase) => sum + phase.requests, 0);
        const ms = own.reduce((sum, phase) => sum + phase.ms, 0);
        const core = busy[processes.indexOf(route.cpu)]!;
        const ratio = index === 0 ? 1 : ratioOf(triples[index]!);
        return {
          requestsPerSec: (total / ms) * 1000,
          p50: figures.routes[index]!.p50,
          p99: figures.routes[index]!.p99,
          total,
          cpuPerRequest: (core * ms * 1000) / total,
          busy: core,
          ratio,
          interval: index === 0 ? [1, 1] : intervalOf(triples[index]!, ratio),
          phases: own.length,
          phaseMs,
        };
      }),
    };
  } finally {
    await loader.stop();
  }
}

/** A note for a comparison's section: how its ratios were obtained, and how precise each is. */
export function roundsNote(results: { name: string; result: Compared }[]): string {
  const phaseMs = results[0]?.result.phaseMs ?? 0;
  const counts = results
    .map(({ name, result }) => {
      const [low, high] = result.interval;
      return `${name}: ${fmt(result.phases)} phases, ${fmt(result.ratio, 3)} (95% interval ${fmt(low, 3)}–${fmt(high, 3)})`;
    })
    .join('; ');
  const busy = results.map(({ result }) => result.busy);
  const percent = (share: number): string => fmt(share * 100, 0);
  const [least, most] = [percent(Math.min(...busy)), percent(Math.max(...busy))];
  return (
    `The load never pauses: one load-generator process keeps the connections busy and switches route every ${phaseMs} ms (about 16 requests per connection), and a phase's window opens once the previous route's requests are answered. ` +
    'Every phase of a route lies between two phases of the baseline; the ratio is the route’s throughput over its phases against the baseline’s over the phases around them, with a jackknife interval over 20 blocks of phases (' +
    counts +
    `). The app’s core was busy ${least === most ? least : `${least}–${most}`}% of the time, so its own cost per request decided its throughput.`
  );
}

/** The columns every comparison table starts with, then `extra`. */
export function comparisonHeader(ratioTo: string, ...extra: string[]): string[] {
  return [
    'route',
    'req/s (over its phases)',
    `ratio to ${ratioTo} (95% interval)`,
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
    r.interval[0] === r.interval[1]
      ? fmt(r.ratio, 3)
      : `${fmt(r.ratio, 3)} (${fmt(r.interval[0], 3)}–${fmt(r.interval[1], 3)})`,
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
