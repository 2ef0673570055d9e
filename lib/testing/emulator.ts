import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { JWK } from 'jose';
import { authenticationRoutes, Passcodes, type AuthenticationHandler } from './authentication-api.js';
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
} from './http.js';
import { EventSockets } from './events/socket-server.js';
import { generateSigningKey, KeyRing } from './keys.js';
import { Lockout, resolveLockout } from './lockout.js';
import { managementRoutes, type ManagementHandler } from './management-api.js';
import type { ManagementScope } from './api/registry.js';
import { OidcFrontDoor } from './oidc.js';
import { hashPassword } from './passwords.js';
import { readJsonFile, writeJsonAtomic } from './persistence.js';
import { queryArgCandidates, SignatureVerifier } from './signature-verifier.js';
import { appOrigins, newId, newSecret, publicApp, Store, userDto, validateProfile, type AppRecord } from './store.js';
import { TokenService } from './tokens.js';
import type {
  AuthingEmulatorOptions,
  EmulatorAccessKey,
  EmulatorApp,
  EmulatorAppSeed,
  EmulatorTenantSeed,
  EmulatorLogger,
  EmulatorSeed,
  EmulatorTokenSet,
  EmulatorUser,
  EmulatorUserSeed,
  IssueTokensOptions,
} from './types.js';
import { createTenant, tenantLoginRefusal } from './tenant-login.js';
import { homePage } from './views.js';
import { displayHost, normalizeOrigin, positiveSeconds, tooLarge, validHost } from './request-guards.js';

/** The user created when the seed has none. */
export const DEMO_USER: Readonly<Required<Pick<EmulatorUserSeed, 'email' | 'username' | 'password' | 'name'>>> = {
  email: 'demo@example.com',
  username: 'demo',
  password: 'Passw0rd!',
  name: 'Demo User',
};

const SWEEP_INTERVAL_MS = 60_000;

/**
 * A local Authing-compatible server for development and tests: hosted login (OIDC, built on
 * oidc-provider), the v3 sign-in and end-user API, and a signed management API core, with the
 * paths, envelopes and signatures of Authing. State lives in memory, optionally in a JSON file.
 *
 * @example
 * const emulator = await AuthingEmulator.start();
 * const management = new ManagementClient({ ...emulator.accessKey, host: emulator.host });
 * // …
 * await emulator.stop();
 */
export class AuthingEmulator {
  /** `http://127.0.0.1:<port>`: the app host (AuthenticationClient) and API host (ManagementClient). */
  readonly origin: string;
  /** OIDC issuer: `<origin>/oidc`. */
  readonly issuer: string;
  /** The TCP port listened on. */
  readonly port: number;
  /** Where the server listens, `http://<host>:<port>`; differs from {@link AuthingEmulator.origin} only with `publicOrigin`. */
  readonly localOrigin: string;

  readonly #server: Server;
  readonly #store: Store;
  readonly #logger: EmulatorLogger | undefined;
  readonly #dataFile: string | undefined;
  #keys!: KeyRing;
  #tokens!: TokenService;
  #oidc!: OidcFrontDoor;
  #verifier!: SignatureVerifier;
  #managementRoutes!: Map<string, ManagementHandler>;
  #authenticationRoutes!: Map<string, AuthenticationHandler>;
  readonly #passcodes = new Passcodes();
  /** Browser origins allowed by CORS: those of every application's redirect URIs and web origins. */
  readonly #allowedOrigin: OriginPolicy = (origin) =>
    [...this.#store.apps.values()].some((app) => appOrigins(app).has(origin));
  #lockout!: Lockout;
  #events!: EventSockets;
  #refreshTokenTtl = 0;
  readonly #counts = new Map<string, number>();
  #requestCount = 0;
  /** Signed management calls per tenant (`''`: the user pool) and path. */
  readonly #tenantCounts = new Map<string, number>();
  #ready = false;
  #sweeper: NodeJS.Timeout | undefined;
  #saveTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  #saving: Promise<void> = Promise.resolve();
  #stopped: Promise<void> | undefined;

  private constructor(server: Server, store: Store, options: AuthingEmulatorOptions) {
    this.#server = server;
    this.#store = store;
    this.port = (server.address() as AddressInfo).port;
    // An origin as browsers write it (no default port), so that the issuer and the endpoints
    // oidc-provider derives from the Host header agree on any port, 80 included.
    this.localOrigin = new URL(`http://${displayHost(options.host ?? '127.0.0.1')}:${this.port}`).origin;
    const origin = normalizeOrigin(options.publicOrigin ?? this.localOrigin);
    this.origin = origin;
    this.issuer = `${origin}/oidc`;
    this.#logger = options.logger;
    this.#dataFile = options.dataFile;
  }

  /** Starts an emulator and resolves once it accepts requests. */
  static async start(options: AuthingEmulatorOptions = {}): Promise<AuthingEmulator> {
    // Bad options fail before anything listens.
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
    const store = new Store();
    if (options.dataFile) await mkdir(dirname(options.dataFile), { recursive: true });
    const loaded = options.dataFile ? await readJsonFile(options.dataFile) : undefined;
    if (loaded !== undefined) store.load(loaded);
    else await seedStore(store, options.seed ?? {});
    if (store.apps.size === 0) store.addApp({});
    if (store.accessKeys.size === 0) store.accessKeys.set(newId(), newSecret());
    if (store.signingKeys.length === 0) store.signingKeys = [await generateSigningKey()];

    // The issuer contains the port, which with port 0 is known only once listening: the port opens
    // before the OIDC provider is built. Requests arriving meanwhile wait for it instead of hanging.
    let resolveReady!: (emulator: AuthingEmulator) => void;
    let rejectReady!: (error: unknown) => void;
    const ready = new Promise<AuthingEmulator>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    ready.catch(() => undefined);
    const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
      ready.then(
        (emulator) => emulator.#handle(req, res),
        () => res.destroy(),
      );
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => socket.destroy());
      ready.then(
        (emulator) => emulator.#upgrade(req, socket),
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
    const emulator = new AuthingEmulator(server, store, options);
    store.onChange = () => emulator.#scheduleSave();
    try {
      await emulator.#init(options);
      resolveReady(emulator);
    } catch (error) {
      rejectReady(error);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw error;
    }
    return emulator;
  }

  async #init(options: AuthingEmulatorOptions): Promise<void> {
    const store = this.#store;
    this.#keys = new KeyRing(store.signingKeys);
    const ttl = options.tokenTtlSeconds ?? 3600;
    this.#tokens = new TokenService(
      () => this.#keys,
      this.issuer,
      store,
      positiveSeconds(options.accessTokenTtlSeconds ?? ttl, 'accessTokenTtlSeconds'),
      positiveSeconds(options.idTokenTtlSeconds ?? ttl, 'idTokenTtlSeconds'),
    );
    this.#lockout = new Lockout(options.lockout);
    this.#refreshTokenTtl = positiveSeconds(options.refreshTokenTtlSeconds ?? 30 * 24 * 3600, 'refreshTokenTtlSeconds');
    this.#oidc = new OidcFrontDoor({
      issuer: this.issuer,
      store,
      keys: () => this.#keys,
      tokens: this.#tokens,
      lockout: this.#lockout,
      allowedOrigin: this.#allowedOrigin,
      refreshTokenTtlSeconds: this.#refreshTokenTtl,
      logger: this.#logger,
    });
    await this.#oidc.build();
    this.#verifier = new SignatureVerifier(
      (id) => store.accessKeys.get(id),
      (options.signatureWindowSeconds ?? 900) * 1000,
    );
    this.#events = new EventSockets({
      accessKeySecret: (id) => store.accessKeys.get(id),
      verifyAccessToken: (token) => this.#tokens.verifyAccessToken(token),
    });
    store.onEvent = (code, payload) => {
      this.#events.publish(
        code,
        typeof payload === 'string' ? payload : JSON.stringify({ eventType: code, data: payload }),
      );
    };
    store.onKick = (userId) => this.#oidc.kickUser(userId);
    this.#managementRoutes = managementRoutes(store);
    this.#authenticationRoutes = authenticationRoutes({
      store,
      tokens: this.#tokens,
      passcodes: this.#passcodes,
      lockout: this.#lockout,
      createRefreshToken: (app, userId, scope) => this.#oidc.createRefreshToken(app, userId, scope),
    });
    this.#sweeper = setInterval(() => {
      this.#oidc.storage.sweep();
      this.#tokens.sweep();
      this.#lockout.sweep();
    }, SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
    this.#ready = true;
    if (this.#dataFile) {
      this.#dirty = true;
      await this.flush();
    }
  }

  // ─── What tests and tools read ──────────────────────────────────────────────────────────────────

  /** Same as {@link AuthingEmulator.origin}: the `appHost` of an AuthenticationClient. */
  get appHost(): string {
    return this.origin;
  }

  /** Same as {@link AuthingEmulator.origin}: the `host` of a ManagementClient. */
  get host(): string {
    return this.origin;
  }

  /** The main application (`appId`, `appSecret`, redirect URIs, token endpoint auth method). */
  get app(): EmulatorApp {
    return publicApp(this.#store.apps.get(this.#store.mainAppId)!);
  }

  /** Every application, the main one first. */
  get apps(): EmulatorApp[] {
    return [...this.#store.apps.values()].map(publicApp);
  }

  /** The management API key pair. */
  get accessKey(): EmulatorAccessKey {
    const [accessKeyId, accessKeySecret] = [...this.#store.accessKeys][0]!;
    return { accessKeyId, accessKeySecret };
  }

  /** The users, as the management API returns them (no password material). */
  get users(): EmulatorUser[] {
    return [...this.#store.users.values()].map((u) => userDto(u, { withCustomData: true }));
  }

  /** A user by id, email, username or phone. */
  findUser(identifier: string): EmulatorUser | undefined {
    const user = this.#store.findByAccount(identifier);
    return user ? userDto(user, { withCustomData: true }) : undefined;
  }

  /** The last verification code "sent" by `/api/v3/send-sms` or `/api/v3/send-email` to a phone or email. */
  lastPasscode(emailOrPhone: string): string | undefined {
    return this.#passcodes.last(emailOrPhone);
  }

  /** Lifetimes in seconds of the tokens issued (hosted login and sign-in API alike). */
  get tokenLifetimes(): { accessToken: number; idToken: number; refreshToken: number } {
    return {
      accessToken: this.#tokens.ttlSeconds,
      idToken: this.#tokens.idTokenTtlSeconds,
      refreshToken: this.#refreshTokenTtl,
    };
  }

  /** Requests received since start (or the last {@link AuthingEmulator.resetRequestCounts}). */
  get requestCount(): number {
    return this.#requestCount;
  }

  /** Requests received per path (no query), e.g. `requestCounts['/oidc/.well-known/jwks.json']`. */
  get requestCounts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  requestCountFor(path: string): number {
    return this.#counts.get(path) ?? 0;
  }

  /**
   * Signed management calls to `path` (e.g. `/api/v3/get-user-roles`) made in the Authing tenant
   * `tenantId` (by a ManagementClient created with that `tenantId`), or in the user pool when omitted.
   */
  managementCallsFor(path: string, tenantId?: string): number {
    return this.#tenantCounts.get(`${tenantId ?? ''}\u0000${path}`) ?? 0;
  }

  resetRequestCounts(): void {
    this.#counts.clear();
    this.#tenantCounts.clear();
    this.#requestCount = 0;
  }

  /** The published keys (public JWKs), current first. */
  get jwks(): { keys: JWK[] } {
    return this.#keys.publicJwks();
  }

  /** `kid` of the key that signs new tokens. */
  get currentKid(): string {
    return this.#keys.currentKid;
  }

  /**
   * Adds a new signing key and makes it current; the previous keys stay in the JWKS, so tokens they
   * signed keep verifying. Returns the new `kid`.
   */
  async rotateKeys(): Promise<string> {
    const kid = await this.#keys.rotate();
    this.#store.signingKeys = this.#keys.privateJwks;
    this.#store.changed();
    await this.#oidc.build();
    return kid;
  }

  /**
   * Issues tokens for a user without a login, exactly as `/api/v3/signin` would (same keys and
   * claims). `expiresIn` may be negative to get an expired token.
   */
  async issueTokens(options: IssueTokensOptions): Promise<EmulatorTokenSet> {
    const user = this.#store.findByAccount(options.user);
    if (!user) throw new Error(`issueTokens: no user "${options.user}"`);
    const app = this.#store.apps.get(options.appId ?? this.#store.mainAppId);
    if (!app) throw new Error(`issueTokens: no application "${options.appId}"`);
    if (options.tenantId !== undefined) {
      const refusal = tenantLoginRefusal(this.#store, options.tenantId, user.userId, app.appId);
      if (refusal) throw new Error(`issueTokens: ${refusal}`);
    }
    return this.#tokens.issue(user, app, options.scope ?? 'openid profile', {
      expiresIn: options.expiresIn,
      nonce: options.nonce,
      tenantId: options.tenantId,
      refreshToken: (scope) => this.#oidc.createRefreshToken(app, user.userId, scope),
    });
  }

  /** Creates an Authing tenant; a hosted login naming it admits its members only. Returns its id and name. */
  addTenant(seed: EmulatorTenantSeed): { tenantId: string; name: string } {
    return createTenant(this.#store, seed);
  }

  /** Registers one more application (OIDC client); usable at once. */
  addApp(seed: EmulatorAppSeed = {}): EmulatorApp {
    return publicApp(this.#store.addApp(seed));
  }

  /** Changes an application's redirect URIs, name, secret or auth method; applies at once. */
  updateApp(appId: string, patch: Omit<EmulatorAppSeed, 'appId'>): EmulatorApp {
    const app = this.#store.apps.get(appId);
    if (!app) throw new Error(`updateApp: no application "${appId}"`);
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    Object.assign(app, defined as Partial<AppRecord>);
    this.#store.changed();
    return publicApp(app);
  }

  /** Waits until the data file reflects every change made so far. */
  async flush(): Promise<void> {
    if (this.#saveTimer) {
      clearTimeout(this.#saveTimer);
      this.#saveTimer = undefined;
    }
    if (this.#dirty) await this.#save();
    await this.#saving;
  }

  /** Closes every connection, stops the server and writes the data file. Safe to call twice. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      if (this.#sweeper) clearInterval(this.#sweeper);
      this.#events?.close();
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeAllConnections();
      await closed;
      await this.flush();
    })();
    return this.#stopped;
  }

  /** Keeps secrets out of `console.log(emulator)`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AuthingEmulator { origin: '${this.origin}' }`;
  }

  // ─── Persistence ────────────────────────────────────────────────────────────────────────────────

  #scheduleSave(): void {
    if (!this.#dataFile || !this.#ready) return;
    this.#dirty = true;
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      void this.#save();
    }, 20);
    this.#saveTimer.unref();
  }

  #save(): Promise<void> {
    const file = this.#dataFile;
    if (!file) return Promise.resolve();
    this.#saving = this.#saving.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      try {
        await writeJsonAtomic(file, this.#store.toJSON());
      } catch (error) {
        this.#dirty = true;
        this.#logger?.error(`could not write the data file ${file}: ${(error as Error).message}`);
      }
    });
    return this.#saving;
  }

  // ─── HTTP ───────────────────────────────────────────────────────────────────────────────────────

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    this.#requestCount += 1;
    this.#counts.set(path, (this.#counts.get(path) ?? 0) + 1);
    if (this.#logger) {
      const logger = this.#logger;
      // Method, path (never the query: it may carry tokens), status and time only.
      res.once('finish', () =>
        logger.info(`${req.method} ${path} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`),
      );
    }
    try {
      if (!validHost(req.headers.host)) {
        return sendJson(res, 400, { error: 'invalid_request', error_description: 'Invalid Host header' });
      }
      if (handlePreflight(req, res, this.#allowedOrigin)) return;
      if (path.startsWith('/api/')) return await this.#api(req, res, path, url);
      if (path === '/oidc' || path.startsWith('/oidc/')) return await this.#oidc.handle(req, res, path);
      if (path.startsWith('/interaction/')) return await this.#oidc.handleInteraction(req, res, path);
      if (path === '/.well-known/openid-configuration') {
        res.writeHead(302, { location: '/oidc/.well-known/openid-configuration' });
        res.end();
        return;
      }
      if (path === '/' && req.method === 'GET') return sendHtml(res, 200, homePage(this.origin));
      sendJson(res, 404, { error: 'not_found', error_description: `Nothing at ${path}` });
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 413) return tooLarge(req, res, path, this.#allowedOrigin);
      this.#logger?.error(`${req.method} ${path} failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'Internal emulator error' });
      else res.destroy();
    }
  }

  /** WebSocket upgrades: the event subscription socket, nothing else. */
  async #upgrade(req: IncomingMessage, socket: Duplex): Promise<void> {
    try {
      if (!(await this.#events.upgrade(req, socket))) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
    } catch (error) {
      this.#logger?.error(`event socket failed: ${(error as Error)?.message ?? String(error)}`);
      socket.destroy();
    }
  }

  /** Subscribers listening to an event code on the event socket. */
  eventSubscriberCount(eventCode: string): number {
    return this.#events.subscriberCount(eventCode);
  }

  /** The event socket base (`socketUri` of the SDK clients): `ws://<host>:<port>`. */
  get socketUri(): string {
    return this.origin.replace(/^http/, 'ws');
  }

  /**
   * The tenant a signed management call acts in: the official SDK's `tenantId` option travels as
   * `x-authing-app-id`; a value naming no tenant (an application id) leaves the call in the user pool.
   */
  #scopeOf(req: IncomingMessage): ManagementScope {
    const named = req.headers['x-authing-app-id'];
    if (typeof named !== 'string' || !this.#store.collections.of('tenants').has(named)) return {};
    return { tenantId: named };
  }

  /** `/api/...`: every answer is an Authing envelope at HTTP 200, success or business error. */
  async #api(req: IncomingMessage, res: ServerResponse, path: string, rawUrl: string): Promise<void> {
    const requestId = newRequestId();
    const cors = corsHeaders(req, this.#allowedOrigin);
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
      const management = this.#managementRoutes.get(key);
      // A path both APIs serve (pub-userEvent, approval) goes to the management side when signed.
      const signed = management !== undefined && /^authing\s/i.test(req.headers.authorization ?? '');
      const endUser = signed ? undefined : this.#authenticationRoutes.get(key);
      if (endUser) return sendJson(res, 200, successEnvelope(await endUser(args, req.headers)), cors);
      if (management) {
        this.#verifier.verify(method, path, req.headers, candidates);
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
      this.#logger?.error(
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

async function seedStore(store: Store, seed: EmulatorSeed): Promise<void> {
  store.addApp(seed.app ?? {});
  for (const app of seed.apps ?? []) store.addApp(app);
  store.accessKeys.set(seed.accessKey?.accessKeyId ?? newId(), seed.accessKey?.accessKeySecret ?? newSecret());
  for (const role of seed.roles ?? []) store.createRole(role);
  for (const group of seed.groups ?? []) {
    store.createGroup({ code: group.code, name: group.name ?? group.code, description: group.description });
  }
  const users: EmulatorUserSeed[] = seed.users ?? [DEMO_USER];
  const hashes = await Promise.all(users.map((u) => hashPassword(u.password)));
  users.forEach((seedUser, i) => {
    const profile = validateProfile({
      email: seedUser.email,
      username: seedUser.username,
      phone: seedUser.phone,
      name: seedUser.name,
      nickname: seedUser.nickname,
      customData: seedUser.customData,
      emailVerified: seedUser.email ? true : undefined,
    });
    const user = store.createUser(profile, {
      userId: seedUser.userId,
      passwordHash: hashes[i],
      source: 'adminCreated',
    });
    for (const code of seedUser.roles ?? []) {
      (store.findRole(code) ?? store.createRole({ code })).members.add(user.userId);
    }
    for (const code of seedUser.groups ?? []) {
      (store.groups.get(code) ?? store.createGroup({ code, name: code })).members.add(user.userId);
    }
  });
  for (const tenant of seed.tenants ?? []) createTenant(store, tenant);
}
