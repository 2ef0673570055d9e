import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { authenticationRoutes, Passcodes } from './authentication-api.js';
import type { OriginPolicy } from './http.js';
import { EventSockets } from './events/socket-server.js';
import { KeyRing } from './keys.js';
import { Lockout } from './lockout.js';
import { managementRoutes } from './management-api.js';
import { OidcFrontDoor } from './oidc.js';
import { SignatureVerifier } from './signature-verifier.js';
import { appOrigins, publicApp, userDto, type AppRecord, type Store } from './store.js';
import { TokenService } from './tokens.js';
import type {
  AuthingEmulatorOptions,
  EmulatorAccessKey,
  EmulatorApp,
  EmulatorAppSeed,
  EmulatorTenantSeed,
  EmulatorTokenSet,
  EmulatorUser,
  IssueTokensOptions,
} from './types.js';
import { createTenant, tenantLoginRefusal } from './tenant-login.js';
import { displayHost, normalizeOrigin, positiveSeconds } from './request-guards.js';
import { DataFileWriter } from './emulator/data-file.js';
import { checkStartOptions, listenBeforeReady } from './emulator/lifecycle.js';
import { RequestRouter } from './emulator/router.js';
import { initialStore } from './emulator/seed.js';

export { DEMO_USER } from './emulator/seed.js';

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
  readonly #dataFile: DataFileWriter;
  #keys!: KeyRing;
  #tokens!: TokenService;
  #oidc!: OidcFrontDoor;
  #router!: RequestRouter;
  readonly #passcodes = new Passcodes();
  /** Browser origins allowed by CORS: those of every application's redirect URIs and web origins. */
  readonly #allowedOrigin: OriginPolicy = (origin) =>
    [...this.#store.apps.values()].some((app) => appOrigins(app).has(origin));
  #lockout!: Lockout;
  #events!: EventSockets;
  #refreshTokenTtl = 0;
  #sweeper: NodeJS.Timeout | undefined;
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
    this.#dataFile = new DataFileWriter(options.dataFile, store, options.logger);
  }

  /** Starts an emulator and resolves once it accepts requests. */
  static async start(options: AuthingEmulatorOptions = {}): Promise<AuthingEmulator> {
    checkStartOptions(options);
    const store = await initialStore(options);
    const early = await listenBeforeReady<AuthingEmulator>(
      options,
      (emulator, req, res) => void emulator.#router.handle(req, res),
      (emulator, req, socket) => void emulator.#router.upgrade(req, socket),
    );
    const emulator = new AuthingEmulator(early.server, store, options);
    store.onChange = () => emulator.#dataFile.scheduleSave();
    try {
      await emulator.#init(options);
      early.ready(emulator);
    } catch (error) {
      await early.failed(error);
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
      logger: options.logger,
    });
    await this.#oidc.build();
    const verifier = new SignatureVerifier(
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
    this.#router = new RequestRouter({
      origin: this.origin,
      logger: options.logger,
      allowedOrigin: this.#allowedOrigin,
      oidc: this.#oidc,
      events: this.#events,
      verifier,
      managementRoutes: managementRoutes(store),
      hasTenant: (tenantId) => store.collections.of('tenants').has(tenantId),
      authenticationRoutes: authenticationRoutes({
        store,
        tokens: this.#tokens,
        passcodes: this.#passcodes,
        lockout: this.#lockout,
        createRefreshToken: (app, userId, scope) => this.#oidc.createRefreshToken(app, userId, scope),
      }),
    });
    this.#sweeper = setInterval(() => {
      this.#oidc.storage.sweep();
      this.#tokens.sweep();
      this.#lockout.sweep();
    }, SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
    await this.#dataFile.activate();
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
    return this.#router.requestCount;
  }

  /** Requests received per path (no query), e.g. `requestCounts['/oidc/.well-known/jwks.json']`. */
  get requestCounts(): Record<string, number> {
    return this.#router.requestCounts;
  }

  requestCountFor(path: string): number {
    return this.#router.requestCountFor(path);
  }

  /**
   * Signed management calls to `path` (e.g. `/api/v3/get-user-roles`) made in the Authing tenant
   * `tenantId` (by a ManagementClient created with that `tenantId`), or in the user pool when omitted.
   */
  managementCallsFor(path: string, tenantId?: string): number {
    return this.#router.managementCallsFor(path, tenantId);
  }

  resetRequestCounts(): void {
    this.#router.resetRequestCounts();
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
  flush(): Promise<void> {
    return this.#dataFile.flush();
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

  /** Subscribers listening to an event code on the event socket. */
  eventSubscriberCount(eventCode: string): number {
    return this.#events.subscriberCount(eventCode);
  }

  /** The event socket base (`socketUri` of the SDK clients): `ws://<host>:<port>`. */
  get socketUri(): string {
    return this.origin.replace(/^http/, 'ws');
  }
}
