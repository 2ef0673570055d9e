/**
 * A closed-loop load generator that runs for a whole comparison, pinned to its own core by the
 * parent. Its connections send requests back to back for as long as it runs; the parent only
 * changes what they ask for and where a measurement window starts and ends. So every window is
 * driven by the same warm process over connections that are already open: a load generator
 * started per window spends the start of its window compiling its own code and opening
 * connections, which on a small host moved a 1 s window's throughput by several percent.
 *
 * Commands, one JSON line each, each answered by one JSON line:
 * - `{"target": {"url", "connections", "headers"}}`: from now on, ask for this URL;
 * - `{"open": true}`: start a window;
 * - `{"close": true}`: end the window, answered with its {@link WindowFigures};
 * - `{"stop": true}`: stop sending and close the connections.
 */
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';

interface Target {
  url: string;
  connections: number;
  headers?: Record<string, string>;
}

/** What one window measured: the responses completed within it. */
export interface WindowFigures {
  total: number;
  ms: number;
  requestsPerSec: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/**
 * The request every connection sends, written out once: on a fast server a general-purpose client
 * spends more per request than the server, and the server would wait for its load. A small parser
 * reads the answers (status line and Content-Length; the benchmark's routes all send one).
 */
let current: { host: string; port: number; request: Buffer } | undefined;
let connections: Connection[] = [];
let windowStart = performance.now();
let latencies: number[] = [];
let errors = 0;
let non2xx = 0;

const HEAD_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection sending a request, reading its whole answer, sending the next. */
class Connection {
  #socket: Socket | undefined;
  #target: typeof current;
  #buffer: Buffer = Buffer.alloc(0);
  #sent = 0;
  #stopped = false;

  start(): void {
    this.#send();
  }

  stop(): void {
    this.#stopped = true;
    this.#socket?.destroy();
  }

  #send(): void {
    if (this.#stopped || !current) return;
    if (!this.#socket || this.#target?.host !== current.host || this.#target.port !== current.port) {
      this.#socket?.destroy();
      this.#buffer = Buffer.alloc(0);
      const socket = connect({ host: current.host, port: current.port, noDelay: true });
      socket.on('data', (chunk: Buffer) => this.#read(chunk));
      socket.on('error', () => this.#fail(socket));
      socket.on('close', () => this.#fail(socket));
      this.#socket = socket;
    }
    this.#target = current;
    this.#sent = performance.now();
    this.#socket.write(current.request);
  }

  #fail(socket: Socket): void {
    if (socket !== this.#socket || this.#stopped) return;
    errors++;
    this.#socket = undefined;
    // A refused or reset connection: do not spin.
    setTimeout(() => this.#send(), 10);
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
    const status = Number(head.slice(9, 12));
    if (status < 200 || status > 299) non2xx++;
    latencies.push(performance.now() - this.#sent);
    this.#send();
  }
}

function target({ url, connections: count, headers = {} }: Target): void {
  const { hostname, port, pathname, search, host } = new URL(url);
  const lines = [`GET ${pathname}${search} HTTP/1.1`, `host: ${host}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  current = { host: hostname, port: Number(port), request: Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1') };
  while (connections.length < count) {
    const connection = new Connection();
    connections.push(connection);
    connection.start();
  }
}

function open(): void {
  windowStart = performance.now();
  latencies = [];
  errors = 0;
  non2xx = 0;
}

function close(): WindowFigures {
  const ms = performance.now() - windowStart;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number): number =>
    Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
  const figures = {
    total: sorted.length,
    ms,
    requestsPerSec: (sorted.length / ms) * 1000,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    non2xx,
  };
  open();
  return figures;
}

function stop(): void {
  current = undefined;
  for (const connection of connections) connection.stop();
  connections = [];
}

function handle(command: { target?: Target; open?: boolean; close?: boolean; stop?: boolean }): unknown {
  if (command.target) target(command.target);
  else if (command.open) open();
  else if (command.close) return close();
  else if (command.stop) stop();
  return {};
}

process.stdout.write('{}\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  // `stop` alone (the worker protocol's own) ends the process.
  if (line === 'stop') process.exit(0);
  let answer: unknown;
  try {
    answer = handle(JSON.parse(line) as Parameters<typeof handle>[0]);
  } catch (error) {
    answer = { error: (error as Error).message };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
});
