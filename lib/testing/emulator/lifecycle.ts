import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolveLockout } from '../lockout.js';
import { normalizeOrigin, positiveSeconds } from '../request-guards.js';
import type { AuthingEmulatorOptions } from '../types.js';

/** Bad options fail before anything listens. */
export function checkStartOptions(options: AuthingEmulatorOptions): void {
  if (options.publicOrigin !== undefined) normalizeOrigin(options.publicOrigin);
  resolveLockout(options.lockout);
  for (const name of [
    'tokenTtlSeconds',
    'accessTokenTtlSeconds',
    'idTokenTtlSeconds',
    'refreshTokenTtlSeconds',
  ] as const) {
    const value = options[name];
    if (value !== undefined) positiveSeconds(value, name);
  }
}

/** A server listening before what serves it exists; {@link listenBeforeReady}. */
export interface EarlyServer<T> {
  server: Server;
  /** Hands the waiting and the coming requests to `target`. */
  ready(target: T): void;
  /** Refuses the waiting requests and closes the server. */
  failed(error: unknown): Promise<void>;
}

/**
 * Listens on the configured host and port before the emulator is built.
 *
 * The issuer contains the port, which with port 0 is known only once listening: the port opens
 * before the OIDC provider is built. Requests arriving meanwhile wait for it instead of hanging.
 */
export async function listenBeforeReady<T>(
  options: AuthingEmulatorOptions,
  onRequest: (target: T, req: IncomingMessage, res: ServerResponse) => void,
  onUpgrade: (target: T, req: IncomingMessage, socket: Duplex) => void,
): Promise<EarlyServer<T>> {
  let resolveReady!: (target: T) => void;
  let rejectReady!: (error: unknown) => void;
  const ready = new Promise<T>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined);
  const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    ready.then(
      (target) => onRequest(target, req, res),
      () => res.destroy(),
    );
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    ready.then(
      (target) => onUpgrade(target, req, socket),
      () => socket.destroy(),
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    ready: resolveReady,
    async failed(error) {
      rejectReady(error);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
