/**
 * A real `redis-server` (Debian's package) for tests: on a free port of 127.0.0.1, persistence off,
 * stopped with the suite. `restart()` stops and starts it on the same port, empty (a Redis restarted
 * without persistence), for the fault tests; `stop()` alone makes it unavailable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REDIS_BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';

export class RedisServer {
  #process: ChildProcess | undefined;
  /** Where `stop({ keepData: true })` dumps the keys, for the next start to load. */
  readonly #dir = mkdtempSync(join(tmpdir(), 'redis-test-'));

  private constructor(readonly port: number) {}

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts a server on a free port. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.#spawn();
    return server;
  }

  async #spawn(): Promise<void> {
    const child = spawn(
      REDIS_BINARY,
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1', '--protected-mode', 'yes'],
        ...['--save', '', '--appendonly', 'no', '--dir', this.#dir, '--dbfilename', 'dump.rdb'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
    child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) =>
        reject(new Error(`redis-server could not start (${error.message}); apt-get install redis-server`)),
      );
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    });
    failed.catch(() => undefined);
    this.#process = child;
    await Promise.race([waitForPort(this.port), failed]);
  }

  /**
   * Kills the server (Redis becomes unavailable). With `keepData`, the keys are dumped first and the
   * next start loads them (an outage, not a loss); otherwise they are gone.
   */
  async stop(options: { keepData?: boolean } = {}): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null) return;
    rmSync(join(this.#dir, 'dump.rdb'), { force: true });
    if (options.keepData) await command(this.port, 'SAVE');
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  /** Stops the server for good and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** Starts it again on the same port, empty (persistence is off). */
  async start(): Promise<void> {
    if (this.#process) return;
    await this.#spawn();
  }

  /** Stop then start: every key is lost. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** One inline command; resolves the first reply line. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${line}\r\n`));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.once('error', reject);
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        // PING must answer PONG: the port is open before Redis has loaded.
        socket.write('PING\r\n');
      });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
