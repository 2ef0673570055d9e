/**
 * An HTTP proxy on 127.0.0.1 in front of the emulator that can be switched into a failure mode:
 * refusing connections, resetting them, never answering, answering late, or answering a fixed
 * status and body (500, 429, HTML). It counts the requests that reach it per path, and can rewrite
 * answers on their way back (forged id_tokens, a userinfo for someone else).
 *
 * The emulator runs with `publicOrigin` set to the proxy's origin, so issuer and redirects name the
 * proxy and the application under test only ever talks to the proxy.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { kind: 'pass' }
  /** Nothing listens: connections are refused (ECONNREFUSED). */
  | { kind: 'refuse' }
  /** The request is read, then its connection destroyed without an answer (ECONNRESET). */
  | { kind: 'reset' }
  /** The request is accepted and never answered. */
  | { kind: 'hang' }
  /** Forwarded after a delay. */
  | { kind: 'slow'; delayMs: number }
  /** A fixed answer. */
  | { kind: 'answer'; status: number; body: string; headers?: Record<string, string> }
  /** Everything received (request line, headers, body) echoed back in a JSON error or an HTML page. */
  | { kind: 'echo'; status: number; as: 'json' | 'html' };

/** Rewrites an upstream answer: gets the path and the body text, returns the new body text. */
export type Rewrite = (path: string, body: string, status: number) => string | Promise<string>;

export const HTML_PAGE = '<!doctype html><html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>';

export class FaultProxy {
  fault: Fault = { kind: 'pass' };
  /** Which paths the fault applies to; the others are forwarded. Default: all. */
  affects: (path: string) => boolean = () => true;
  /** Rewrites of forwarded answers, by exact path. */
  readonly rewrites = new Map<string, Rewrite>();
  /** Sees every request (path, query string and body) before it is answered. */
  observe: ((path: string, query: string, body: string) => void) | undefined;
  readonly #counts = new Map<string, number>();
  #server: Server | undefined;
  #port = 0;
  #target = '';
  // No keep-alive upstream: no connection outlives the request it carried (the suite counts sockets).
  readonly #agent = new Agent({ keepAlive: false });
  readonly #sockets = new Set<Socket>();

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Starts listening on a free port; `target` (the emulator's local origin) may be set later. */
  async start(target = ''): Promise<this> {
    this.#target = target;
    await this.#listen(0);
    return this;
  }

  set target(origin: string) {
    this.#target = origin;
  }

  /** Switches to a fault, for every path or those `affects` accepts. `refuse` closes the listener. */
  async set(fault: Fault, affects: (path: string) => boolean = () => true): Promise<void> {
    const wasRefusing = this.fault.kind === 'refuse';
    this.fault = fault;
    this.affects = affects;
    if (fault.kind === 'refuse' && !wasRefusing) await this.#close();
    if (fault.kind !== 'refuse' && wasRefusing) await this.#listen(this.#port);
  }

  /** Back to forwarding everything. */
  heal(): Promise<void> {
    return this.set({ kind: 'pass' });
  }

  countFor(path: string): number {
    return this.#counts.get(path) ?? 0;
  }

  get total(): number {
    let sum = 0;
    for (const n of this.#counts.values()) sum += n;
    return sum;
  }

  resetCounts(): void {
    this.#counts.clear();
  }

  /** Closes the idle keep-alive connections clients hold to the proxy. */
  dropIdleConnections(): void {
    this.#server?.closeIdleConnections();
  }

  async stop(): Promise<void> {
    await this.#close();
    this.#agent.destroy();
  }

  async #listen(port: number): Promise<void> {
    const server = createServer((req, res) => void this.#handle(req, res));
    server.keepAliveTimeout = 2000;
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  async #close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  async #handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    this.#counts.set(path, (this.#counts.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    this.observe?.(path, url.slice(path.length + 1), body.toString('utf8'));
    const fault = this.affects(path) ? this.fault : ({ kind: 'pass' } as Fault);
    switch (fault.kind) {
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return; // the socket stays open until the client gives up or the proxy stops
      case 'answer':
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body);
        return;
      case 'echo': {
        const dump = `${req.method} ${url}\n${JSON.stringify(req.headers)}\n\n${body.toString('utf8')}`;
        if (fault.as === 'html') {
          res.writeHead(fault.status, { 'content-type': 'text/html' });
          res.end(`<html><body><h1>Error</h1><pre>${dump}</pre></body></html>`);
        } else {
          res.writeHead(fault.status, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              error: 'invalid_request',
              error_description: dump,
              statusCode: 400,
              apiCode: 9400,
              message: dump,
            }),
          );
        }
        return;
      }
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (req.socket.destroyed) return;
        break;
      default:
        break;
    }
    try {
      const upstream = await this.#forward(req, url, body);
      let text = upstream.body.toString('utf8');
      const rewrite = this.rewrites.get(path);
      const headers = { ...upstream.headers };
      if (rewrite) {
        text = await rewrite(path, text, upstream.status);
        delete headers['content-length'];
        delete headers['transfer-encoding'];
      }
      if (res.destroyed) return;
      res.writeHead(upstream.status, headers);
      res.end(rewrite ? text : upstream.body);
    } catch {
      if (!res.headersSent && !res.destroyed) res.writeHead(502).end();
    }
  }

  #forward(
    req: IncomingMessage,
    url: string,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const target = new URL(url, this.#target);
      const headers = { ...req.headers };
      delete headers.connection;
      const upstream = httpRequest(
        target,
        { method: req.method, headers, agent: this.#agent },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => {
            const out: Record<string, string | string[]> = {};
            for (const [k, v] of Object.entries(response.headers)) if (v !== undefined) out[k] = v;
            delete out.connection;
            delete out['keep-alive'];
            resolve({ status: response.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
          });
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}
