/**
 * What every file of the security suite installs: a capture of all log output (process stdout and
 * stderr, the console, a Nest logger, the emulator's logger) searched for every secret the file
 * used, a listener for unhandled rejections, and a check that no socket or server outlives a
 * scenario.
 */
import vm from 'node:vm';
import type { LoggerService } from '@nestjs/common';
import type { EmulatorLogger } from '../../../lib/testing/index.js';

/**
 * The real `process`: Jest hands test files a copy, whose listeners never hear the events Node
 * emits on the real one (`unhandledRejection`). `vm.runInThisContext` evaluates in the main realm.
 */
export const realProcess = vm.runInThisContext('process') as NodeJS.Process;

type Writer = typeof process.stdout.write;
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Values shorter than this are too likely to occur by chance to be searched for. */
const MIN_SECRET_LENGTH = 8;

export interface Leak {
  label: string;
  channel: string;
  excerpt: string;
}

/**
 * Captures log output and remembers the secrets a test file handles; `leaks()` lists every secret
 * found in the output. Output still reaches the terminal.
 */
export class SecurityHarness {
  /** Captured output, one entry per write or log call, tagged with its channel. */
  readonly output: { channel: string; text: string }[] = [];
  readonly unhandled: unknown[] = [];
  readonly #secrets = new Map<string, string>();
  #restore: (() => void)[] = [];
  #capturing = false;

  /** Starts capturing; call in beforeAll. */
  install(): void {
    if (this.#capturing) return;
    this.#capturing = true;
    for (const [name, stream] of [
      ['stdout', realProcess.stdout],
      ['stderr', realProcess.stderr],
    ] as const) {
      const original = stream.write;
      const record = (chunk: unknown) => this.#record(name, chunk);
      stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
        record(chunk);
        return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      } as Writer;
      this.#restore.push(() => (stream.write = original));
    }
    // Jest's console (the one the test realm and the modules it loads see) does not write to the
    // process streams: it is wrapped separately.
    for (const method of CONSOLE_METHODS) {
      const original = console[method];
      console[method] = (...args: unknown[]) => {
        this.#record(`console.${method}`, args.map((a) => (typeof a === 'string' ? a : safeInspect(a))).join(' '));
        (original as (...a: unknown[]) => void).apply(console, args);
      };
      this.#restore.push(() => (console[method] = original));
    }
    const onRejection = (reason: unknown) => this.unhandled.push(reason);
    realProcess.on('unhandledRejection', onRejection);
    this.#restore.push(() => realProcess.off('unhandledRejection', onRejection));
  }

  /** Stops capturing; call in afterAll. */
  uninstall(): void {
    for (const restore of this.#restore.reverse()) restore();
    this.#restore = [];
    this.#capturing = false;
  }

  /** Remembers a value that must never be logged. */
  secret<T extends string | undefined>(label: string, value: T): T {
    if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) this.#secrets.set(value, label);
    return value;
  }

  /** Remembers a token: the whole of it, its payload and its signature (a truncated log leaks too). */
  token<T extends string | undefined>(label: string, token: T): T {
    if (typeof token !== 'string') return token;
    this.secret(label, token);
    const [, payload, signature] = token.split('.');
    if (payload && payload.length >= 24) this.secret(`${label} (payload)`, payload);
    if (signature && signature.length >= 24) this.secret(`${label} (signature)`, signature);
    return token;
  }

  get secretCount(): number {
    return this.#secrets.size;
  }

  /** A Nest logger recording every level (errors included), so nothing the module logs escapes. */
  readonly nestLogger: LoggerService = {
    log: (...args: unknown[]) => this.#record('nest.log', args.map(stringify).join(' ')),
    error: (...args: unknown[]) => this.#record('nest.error', args.map(stringify).join(' ')),
    warn: (...args: unknown[]) => this.#record('nest.warn', args.map(stringify).join(' ')),
    debug: (...args: unknown[]) => this.#record('nest.debug', args.map(stringify).join(' ')),
    verbose: (...args: unknown[]) => this.#record('nest.verbose', args.map(stringify).join(' ')),
    fatal: (...args: unknown[]) => this.#record('nest.fatal', args.map(stringify).join(' ')),
  };

  /** The emulator's log sink. */
  readonly emulatorLogger: EmulatorLogger = {
    info: (message) => this.#record('emulator.info', message),
    warn: (message) => this.#record('emulator.warn', message),
    error: (message) => this.#record('emulator.error', message),
  };

  /** Every captured line of a channel (prefix match: `nest` gives all Nest levels). */
  linesOf(channel: string): string[] {
    return this.output.filter((o) => o.channel.startsWith(channel)).map((o) => o.text);
  }

  /** Every registered secret that appears in the captured output. */
  leaks(): Leak[] {
    const found: Leak[] = [];
    for (const { channel, text } of this.output) {
      for (const [value, label] of this.#secrets) {
        const at = text.indexOf(value);
        if (at >= 0) found.push({ label, channel, excerpt: text.slice(Math.max(0, at - 40), at + 20) });
      }
    }
    return found;
  }

  /** Registered secrets found in an arbitrary text (an error's rendering, a response). */
  secretsIn(text: string): string[] {
    const found: string[] = [];
    for (const [value, label] of this.#secrets) if (text.includes(value)) found.push(label);
    return found;
  }

  #record(channel: string, chunk: unknown): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
    this.output.push({ channel, text });
  }
}

function stringify(value: unknown): string {
  return typeof value === 'string' ? value : safeInspect(value);
}

function safeInspect(value: unknown): string {
  try {
    return value instanceof Error ? `${value.stack ?? value.message}` : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

// ─── Resources ────────────────────────────────────────────────────────────────────────────────────

/** Kinds of handles that would keep Jest from exiting or reveal a leak. */
const TRACKED = ['TCPSocketWrap', 'TCPServerWrap', 'PipeWrap', 'TTYWrap', 'Timeout', 'Immediate'] as const;

export type ResourceSnapshot = Record<string, number>;

/** Active handles by kind (sockets, servers, timers) of the real process. */
export function resources(): ResourceSnapshot {
  const counts: ResourceSnapshot = {};
  for (const kind of realProcess.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * Waits (up to `timeoutMs`, for keep-alive sockets and timers to settle) until no tracked kind of
 * handle is more numerous than in `before`; returns the kinds still in excess (empty when settled).
 */
export async function resourcesInExcess(before: ResourceSnapshot, timeoutMs = 3000): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = resources();
    const excess: Record<string, string> = {};
    for (const kind of TRACKED) {
      if ((now[kind] ?? 0) > (before[kind] ?? 0)) excess[kind] = `${before[kind] ?? 0} → ${now[kind]}`;
    }
    if (Object.keys(excess).length === 0 || Date.now() > deadline) return excess;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
