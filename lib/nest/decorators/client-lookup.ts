import { AuthingError } from '../../sdk/index.js';
import type { AuthingClients } from '../providers/authing-clients.service.js';
import type { AuthingRequest } from '../request/request-context.js';

/**
 * How `@AuthingClient()` finds the module's {@link AuthingClients} without dependency injection on
 * every request: an injectable pipe would make Nest settle the parameter through two promises per
 * request, which the benchmark measured at most of the decorator's cost.
 *
 * Each AuthingClients registers itself here, and under the HTTP server of its application. One
 * instance in the process (the usual case) answers at once; several (applications side by side, as
 * in tests or replicas) are told apart by the server the request came in on; several in one
 * application (non-global modules) by the controller or gateway class, which each instance claims at
 * bootstrap for the modules that resolve to it.
 */
const live = new Set<AuthingClients>();
let only: AuthingClients | undefined;

interface ServerClients {
  all: Set<AuthingClients>;
  /** Filled at bootstrap only when several instances serve one server. */
  byHost: WeakMap<object, AuthingClients>;
}
const servers = new WeakMap<object, ServerClients>();

function refresh(): void {
  only = live.size === 1 ? live.values().next().value : undefined;
}

export function registerClients(clients: AuthingClients): void {
  live.add(clients);
  refresh();
}

export function unregisterClients(clients: AuthingClients, server: object | undefined): void {
  live.delete(clients);
  refresh();
  if (server) servers.get(server)?.all.delete(clients);
}

/** Records that `clients` serves the applications on `server`; returns every instance serving it. */
export function registerServer(clients: AuthingClients, server: object): Set<AuthingClients> {
  let entry = servers.get(server);
  if (!entry) servers.set(server, (entry = { all: new Set(), byHost: new WeakMap() }));
  entry.all.add(clients);
  return entry.all;
}

/** Several instances on one server: `host` (a controller or gateway class) resolves to `clients`. */
export function claimHost(server: object, host: object, clients: AuthingClients): void {
  servers.get(server)?.byHost.set(host, clients);
}

/** The server a request came in on: Express's request, or the raw request behind Fastify's. */
function serverOf(request: AuthingRequest | undefined): object | undefined {
  const raw = (request as { raw?: { socket?: { server?: object } } } | undefined)?.raw;
  const socket = (raw ?? (request as { socket?: { server?: object } } | undefined))?.socket;
  return socket?.server;
}

/** The AuthingClients serving this request, for a handler of class `host`. */
export function clientsFor(request: AuthingRequest | undefined, host: object): AuthingClients {
  if (only) return only;
  const server = serverOf(request);
  const entry = server ? servers.get(server) : undefined;
  if (entry?.all.size === 1) return entry.all.values().next().value!;
  const claimed = entry?.byHost.get(host);
  if (claimed) return claimed;
  throw new AuthingError(
    'configuration',
    'AuthingClient',
    live.size === 0
      ? '@AuthingClient() needs AuthingModule in the application'
      : `@AuthingClient() cannot tell which of ${live.size} AuthingModule instances serves this request; ` +
          'inject AuthingClients and call forRequest(request) instead',
  );
}
