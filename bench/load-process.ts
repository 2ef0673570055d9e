/**
 * A closed-loop load generator that runs for a whole comparison, pinned to its own core by the
 * parent. Its connections send requests back to back; the parent hands it a schedule of short
 * phases (the routes in turn, 20 ms each by default) and gets back how many requests each phase
 * answered. Switching route here, on the load generator's own clock, costs no round trip to the
 * parent, so phases can be short enough that two neighbouring phases see the host at nearly the
 * same speed, and a comparison holds hundreds of them.
 *
 * Commands, one JSON line each, each answered by one JSON line:
 * - `{"schedule": Schedule}`: runs the phases, answered with {@link ScheduleFigures};
 * - `{"stop": true}`: stops sending and closes the connections.
 * Between two schedules the connections go on asking for the last phase's route, uncounted.
 */
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';

/** One route of a schedule: its URL and the headers every request to it carries. */
export interface ScheduleRoute {
  url: string;
  headers?: Record<string, string>;
}

export interface Schedule {
  routes: ScheduleRoute[];
  /** Keep-alive connections per origin. */
  connections: number;
  /** The route (an index into `routes`) of each phase, in order. */
  order: number[];
  /** How long each phase's window lasts. */
  phaseMs: number;
}

/** What one phase's window answered. */
export interface PhaseFigures {
  route: number;
  requests: number;
  ms: number;
}

/** Per route, over all its windows: latency percentiles (ms) and failures. */
export interface RouteFigures {
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface ScheduleFigures {
  phases: PhaseFigures[];
  routes: RouteFigures[];
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** Latencies are kept as a histogram of 10 µs buckets up to 1 s: constant memory however long. */
const BUCKET_MS = 0.01;
const BUCKETS = 100_000;

/** A route as the connections use it: the request written out once, and its tallies. */
interface LiveRoute {
  origin: string;
  host: string;
  port: number;
  request: Buffer;
  latencies: Uint32Array;
  errors: number;
  non2xx: number;
}

let routes: LiveRoute[] = [];
/** The route the load asks for now (compared by identity, so a later schedule's routes never match). */
let current: LiveRoute | undefined;
/** Whether the current phase's window is open (all requests of the previous route answered). */
let counting = false;
let answered = 0;
/** Connections whose request in flight is for another route than the current one. */
let stale = 0;
let onWindowOpen: (() => void) | undefined;
const pools = new Map<string, Connection[]>();

/**
 * One keep-alive connection to one origin. It sends a request, reads the whole answer, and sends
 * the next one while its origin serves the current route; otherwise it waits.
 */
class Connection {
  #socket: Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  /** The route of the request in flight, if any. */
  #inFlight: LiveRoute | undefined;
  #sent = 0;
  #stopped = false;

  constructor(readonly origin: string) {}

  get inFlight(): LiveRoute | undefined {
    return this.#inFlight;
  }

  /** Sends the current route's request if this connection's origin serves it and it is free. */
  kick(): void {
    if (!this.#inFlight) this.#send();
  }

  stop(): void {
    this.#stopped = true;
    this.#socket?.destroy();
  }

  #send(): void {
    const route = current;
    if (this.#stopped || !route || route.origin !== this.origin) {
      this.#inFlight = undefined;
      return;
    }
    if (!this.#socket) {
      this.#buffer = Buffer.alloc(0);
      const socket = connect({ host: route.host, port: route.port, noDelay: true });
      socket.on('data', (chunk: Buffer) => this.#read(chunk));
      socket.on('error', () => this.#fail(socket));
      socket.on('close', () => this.#fail(socket));
      this.#socket = socket;
    }
    this.#inFlight = route;
    this.#sent = performance.now();
    this.#socket.write(route.request);
  }

  #fail(socket: Socket): void {
    if (socket !== this.#socket || this.#stopped) return;
    this.#socket = undefined;
    if (this.#inFlight) this.#inFlight.errors++;
    this.#finished();
    // A refused or reset connection: do not spin.
    setTimeout(() => this.kick(), 10).unref();
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const end = this.#buffer.indexOf(HEAD_END);
    if (end < 0) return;
    const head = this.#buffer.toString('latin1', 0, end);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) {
      this.#socket?.destroy();
      return;
    }
    const size = end + HEAD_END.length + Number(length[1]);
    if (this.#buffer.length < size) return;
    this.#buffer = this.#buffer.subarray(size);
    const route = this.#inFlight;
    if (route && route === current && counting) {
      answered++;
      const status = Number(head.slice(9, 12));
      if (status < 200 || status > 299) route.non2xx++;
      route.latencies[Math.min(BUCKETS - 1, Math.floor((performance.now() - this.#sent) / BUCKET_MS))]!++;
    }
    this.#finished();
    this.#send();
  }

  /** The request in flight is done; if it was one of the previous route's, the window may open. */
  #finished(): void {
    if (this.#inFlight && this.#inFlight !== current && --stale === 0) onWindowOpen?.();
    this.#inFlight = undefined;
  }
}

function poolOf(route: LiveRoute, connections: number): Connection[] {
  let pool = pools.get(route.origin);
  if (!pool) pools.set(route.origin, (pool = []));
  while (pool.length < connections) pool.push(new Connection(route.origin));
  return pool;
}

/** Switches the load to `route`; resolves once every request for another route has been answered. */
function switchTo(route: LiveRoute, connections: number): Promise<void> {
  counting = false;
  current = route;
  const all = [...pools.values()].flat();
  stale = all.filter((connection) => connection.inFlight && connection.inFlight !== route).length;
  const opened = new Promise<void>((resolve) => {
    onWindowOpen = resolve;
    if (stale === 0) resolve();
  });
  for (const connection of poolOf(route, connections)) connection.kick();
  return opened;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(histogram: Uint32Array, fraction: number): number {
  const total = histogram.reduce((sum, n) => sum + n, 0);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen > fraction * total) return Math.round((i + 1) * BUCKET_MS * 10) / 10;
  }
  return 0;
}

async function schedule({ routes: wanted, connections, order, phaseMs }: Schedule): Promise<ScheduleFigures> {
  if (order.some((route) => !Number.isInteger(route) || route < 0 || route >= wanted.length)) {
    throw new Error(`schedule: order names a route outside 0..${wanted.length - 1}`);
  }
  routes = wanted.map(({ url, headers = {} }) => {
    const { hostname, port, pathname, search, host } = new URL(url);
    const lines = [`GET ${pathname}${search} HTTP/1.1`, `host: ${host}`, 'connection: keep-alive'];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    return {
      origin: host,
      host: hostname,
      port: Number(port),
      request: Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'),
      latencies: new Uint32Array(BUCKETS),
      errors: 0,
      non2xx: 0,
    };
  });
  const phases: PhaseFigures[] = [];
  for (const route of order) {
    await switchTo(routes[route]!, connections);
    answered = 0;
    counting = true;
    const start = performance.now();
    await sleep(phaseMs);
    counting = false;
    phases.push({ route, requests: answered, ms: performance.now() - start });
  }
  return {
    phases,
    routes: routes.map((route) => ({
      p50: percentile(route.latencies, 0.5),
      p99: percentile(route.latencies, 0.99),
      errors: route.errors,
      non2xx: route.non2xx,
    })),
  };
}

function stop(): void {
  current = undefined;
  for (const connection of [...pools.values()].flat()) connection.stop();
  pools.clear();
}

process.stdout.write('{}\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  // `stop` alone (the worker protocol's own) ends the process.
  if (line === 'stop') process.exit(0);
  const answer = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
  let command: { schedule?: Schedule; stop?: boolean };
  try {
    command = JSON.parse(line) as typeof command;
  } catch (error) {
    answer({ error: (error as Error).message });
    return;
  }
  if (command.schedule) {
    schedule(command.schedule).then(answer, (error: Error) => answer({ error: error.message }));
  } else {
    if (command.stop) stop();
    answer({});
  }
});
