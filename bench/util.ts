import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Schedule, ScheduleFigures } from './load-process.js';

/** The repository root, whether this runs from `bench/` or from the compiled `build/bench/`. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..').replace(/\/build$/, '');

/**
 * On a machine with at least two cores the server under test and the load generator get a core each
 * (taskset), so that neither steals the other's CPU and the server's own cost per request decides
 * its throughput. Elsewhere nothing is pinned.
 */
export const PINNING = cpus().length >= 2 && existsSync('/usr/bin/taskset');
export const SERVER_CPU = '0';
export const LOAD_CPU = '1';

export function pinned(cpu: string, command: string, args: string[]): [string, string[]] {
  return PINNING ? ['/usr/bin/taskset', ['-c', cpu, command, ...args]] : [command, args];
}

/** The load generator of a comparison (see `load-process.ts`), running for the whole comparison. */
export interface LoadGenerator {
  /** Runs the phases of `schedule` and answers what each one served. */
  schedule(schedule: Schedule): Promise<ScheduleFigures>;
  stop(): Promise<void>;
}

/** Starts the load generator in its own process, on the load core. */
export async function startLoadGenerator(): Promise<LoadGenerator> {
  const worker = await startWorker<object>('build/bench/load-process.js', {}, LOAD_CPU);
  return {
    async schedule(schedule) {
      const answer = await worker.ask<ScheduleFigures & { error?: string }>(JSON.stringify({ schedule }));
      if (answer.error !== undefined) throw new Error(`load generator: ${answer.error}`);
      return answer;
    },
    async stop() {
      await worker.ask(JSON.stringify({ stop: true })).catch(() => undefined);
      await worker.stop();
    },
  };
}

export function run(command: string, args: string[], options: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}

/** Runs `fn` repeatedly for about `ms` and returns operations per second. */
export async function opsPerSecond(fn: () => unknown, ms = 1500): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(); // warm-up
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 100; i++) await fn();
    n += 100;
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export interface BenchSection {
  title: string;
  /** Markdown table rows, first row is the header. */
  rows: string[][];
  notes: string[];
  /** Targets checked by this section: description and whether it was met. */
  targets: { target: string; met: boolean }[];
}

/** A child process speaking a line protocol: one JSON line at start, then answers to commands. */
export interface Worker<T> {
  info: T;
  ask<R>(command: string): Promise<R>;
  stop(): Promise<void>;
}

export async function startWorker<T>(script: string, arg: unknown, cpu?: string): Promise<Worker<T>> {
  const [command, args] = cpu
    ? pinned(cpu, process.execPath, [path.join(ROOT, script), JSON.stringify(arg)])
    : [process.execPath, [path.join(ROOT, script), JSON.stringify(arg)]];
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const next = (): Promise<string> =>
    new Promise((resolve) => {
      const line = lines.shift();
      if (line !== undefined) resolve(line);
      else waiters.push(resolve);
    });
  const info = JSON.parse(await next()) as T;
  return {
    info,
    async ask<R>(cmd: string): Promise<R> {
      child.stdin.write(`${cmd}\n`);
      return JSON.parse(await next()) as R;
    },
    stop() {
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.write('stop\n');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
    },
  };
}

export interface EmulatorProcess {
  appHost: string;
  host: string;
  app: { appId: string; appSecret: string; redirectUris: string[] };
  accessKey: { accessKeyId: string; accessKeySecret: string };
  /** Requests the emulator has served, by path. */
  stats(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Starts the emulator in a child process (compiled bench/emulator-process.js). */
export async function startEmulatorProcess(
  options: Record<string, unknown> = {},
  cpu?: string,
): Promise<EmulatorProcess> {
  const worker = await startWorker<Omit<EmulatorProcess, 'stats' | 'stop'>>(
    'build/bench/emulator-process.js',
    options,
    cpu,
  );
  return { ...worker.info, stats: () => worker.ask('stats'), stop: () => worker.stop() };
}
