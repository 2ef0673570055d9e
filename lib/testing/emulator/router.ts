import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { AuthenticationHandler } from '../authentication-api.js';
import {
  ApiError,
  API_CODES,
  corsHeaders,
  errorEnvelope,
  handlePreflight,
  type OriginPolicy,
  newRequestId,
  parseJsonObject,
  readBody,
  sendHtml,
  sendJson,
  successEnvelope,
} from '../http.js';
import type { EventSockets } from '../events/socket-server.js';
import type { ManagementHandler } from '../management-api.js';
import type { ManagementScope } from '../api/registry.js';
import type { OidcFrontDoor } from '../oidc.js';
import { queryArgCandidates, type SignatureVerifier } from '../signature-verifier.js';
import type { EmulatorLogger } from '../types.js';
import { homePage } from '../views.js';
import { tooLarge, validHost } from '../request-guards.js';

/** What the emulator's requests are dispatched to. */
export interface RouterTargets {
  origin: string;
  logger: EmulatorLogger | undefined;
  allowedOrigin: OriginPolicy;
  oidc: OidcFrontDoor;
  events: EventSockets;
  verifier: SignatureVerifier;
  managementRoutes: Map<string, ManagementHandler>;
  /** Whether an Authing tenant of this id exists (a signed call may act in it). */
  hasTenant(tenantId: string): boolean;
  authenticationRoutes: Map<string, AuthenticationHandler>;
}

/** Dispatches each request (and WebSocket upgrade) to the part of the emulator serving it, counting them. */
export class RequestRouter {
  readonly #counts = new Map<string, number>();
  #requestCount = 0;
  /** Signed management calls per tenant (`''`: the user pool) and path. */
  readonly #tenantCounts = new Map<string, number>();

  constructor(private readonly targets: RouterTargets) {}

  /** Requests received since start (or the last reset). */
  get requestCount(): number {
    return this.#requestCount;
  }

  /** Requests received per path (no query). */
  get requestCounts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  requestCountFor(path: string): number {
    return this.#counts.get(path) ?? 0;
  }

  /** Signed management calls to `path` made in the tenant `tenantId`, or in the user pool when omitted. */
  managementCallsFor(path: string, tenantId?: string): number {
    return this.#tenantCounts.get(`${tenantId ?? ''}\u0000${path}`) ?? 0;
  }

  resetRequestCounts(): void {
    this.#counts.clear();
    this.#tenantCounts.clear();
    this.#requestCount = 0;
  }

  /**
   * The tenant a signed management call acts in: the official SDK's `tenantId` option travels as
   * `x-authing-app-id`; a value naming no tenant (an application id) leaves the call in the user pool.
   */
  #scopeOf(req: IncomingMessage): ManagementScope {
    const named = req.headers['x-authing-app-id'];
    if (typeof named !== 'string' || !this.targets.hasTenant(named)) return {};
    return { tenantId: named };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    this.#requestCount += 1;
    this.#counts.set(path, (this.#counts.get(path) ?? 0) + 1);
    if (this.targets.logger) {
      const logger = this.targets.logger;
      // Method, path (never the query: it may carry tokens), status and time only.
      res.once('finish', () =>
        logger.info(`${req.method} ${path} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`),
      );
    }
    try {
      if (!validHost(req.headers.host)) {
        return sendJson(res, 400, { error: 'invalid_request', error_description: 'Invalid Host header' });
      }
      if (handlePreflight(req, res, this.targets.allowedOrigin)) return;
      if (path.startsWith('/api/')) return await this.#api(req, res, path, url);
      if (path === '/oidc' || path.startsWith('/oidc/')) return await this.targets.oidc.handle(req, res, path);
      if (path.startsWith('/interaction/')) return await this.targets.oidc.handleInteraction(req, res, path);
      if (path === '/.well-known/openid-configuration') {
        res.writeHead(302, { location: '/oidc/.well-known/openid-configuration' });
        res.end();
        return;
      }
      if (path === '/' && req.method === 'GET') return sendHtml(res, 200, homePage(this.targets.origin));
      sendJson(res, 404, { error: 'not_found', error_description: `Nothing at ${path}` });
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 413)
        return tooLarge(req, res, path, this.targets.allowedOrigin);
      this.targets.logger?.error(`${req.method} ${path} failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'Internal emulator error' });
      else res.destroy();
    }
  }

  /** WebSocket upgrades: the event subscription socket, nothing else. */
  async upgrade(req: IncomingMessage, socket: Duplex): Promise<void> {
    try {
      if (!(await this.targets.events.upgrade(req, socket))) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
    } catch (error) {
      this.targets.logger?.error(`event socket failed: ${(error as Error)?.message ?? String(error)}`);
      socket.destroy();
    }
  }

  /** `/api/...`: every answer is an Authing envelope at HTTP 200, success or business error. */
  async #api(req: IncomingMessage, res: ServerResponse, path: string, rawUrl: string): Promise<void> {
    const requestId = newRequestId();
    const cors = corsHeaders(req, this.targets.allowedOrigin);
    const method = req.method ?? 'GET';
    try {
      const key = `${method} ${path}`;
      let candidates: Record<string, unknown>[];
      if (method === 'GET' || method === 'HEAD') {
        candidates = queryArgCandidates(new URL(rawUrl, 'http://x').searchParams);
      } else {
        candidates = [parseJsonObject(await readBody(req))];
      }
      const args = candidates[0]!;
      const management = this.targets.managementRoutes.get(key);
      // A path both APIs serve (pub-userEvent, approval) goes to the management side when signed.
      const signed = management !== undefined && /^authing\s/i.test(req.headers.authorization ?? '');
      const endUser = signed ? undefined : this.targets.authenticationRoutes.get(key);
      if (endUser) return sendJson(res, 200, successEnvelope(await endUser(args, req.headers)), cors);
      if (management) {
        this.targets.verifier.verify(method, path, req.headers, candidates);
        const scope = this.#scopeOf(req);
        const counted = `${scope.tenantId ?? ''}\u0000${path}`;
        this.#tenantCounts.set(counted, (this.#tenantCounts.get(counted) ?? 0) + 1);
        return sendJson(res, 200, successEnvelope(await management(args, scope)), cors);
      }
      throw new ApiError(
        404,
        API_CODES.UNKNOWN_ENDPOINT,
        `Unknown endpoint ${method} ${path}: not an Authing API, or not implemented by the emulator`,
      );
    } catch (error) {
      if (error instanceof ApiError) return sendJson(res, 200, errorEnvelope(error, requestId), cors);
      this.targets.logger?.error(
        `${method} ${path} failed (requestId ${requestId}): ${(error as Error)?.stack ?? String(error)}`,
      );
      return sendJson(
        res,
        200,
        errorEnvelope(new ApiError(500, API_CODES.INTERNAL, 'Internal emulator error'), requestId),
        cors,
      );
    }
  }
}
