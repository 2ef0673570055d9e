import { requireNonBlank } from '../checks.js';
import { AuthingArgumentError } from '../errors.js';
import type { AuthingResponse } from '../envelope.js';
import { prepareCall, type PreparedCall } from '../catalogue/endpoint.js';
import { installCatalogue } from '../catalogue/install.js';
import { MANAGEMENT_ENDPOINTS } from '../catalogue/management.catalogue.js';
import type { ManagementApi, ManagementMethod } from '../catalogue/management.api.js';
import { HttpTransport, type TransportOptions } from '../transport/http-transport.js';
import { wireQuery } from '../transport/query-string.js';
import { authorizationHeader, buildStringToSign, makeNonce, sign } from '../signing/signature.js';
import { pubEventBody } from '../pub-event.js';
import { SDK_NAME, SDK_VERSION } from '../version.js';
import {
  DEFAULT_SOCKET_URI,
  socketBase,
  subscribe,
  websocketAuthorization,
  type Unsubscribe,
} from '../events/subscription.js';
import { eventRetries } from '../events/options.js';
import { paginate, type PageItem, type PaginatedMethod, type PaginateOptions } from './paginate.js';

/** Options of the `ManagementClient`. */
export interface ManagementClientOptions extends TransportOptions {
  /** User pool ID or a collaborating administrator's Access Key ID. */
  accessKeyId: string;
  /** The matching Access Key Secret. Kept private to the client; never logged. */
  accessKeySecret: string;
  /** API origin; default `https://api.authing.cn`. Private deployments pass theirs, no trailing slash. */
  host?: string;
  /** Tenant to act in, sent as `x-authing-app-id`. */
  tenantId?: string;
  /** Event socket origin of {@link (ManagementClient:class).sub}; default `wss://openevent.authing.cn`. */
  socketUri?: string;
  /** Reconnections of a lost event socket before `errCallback` is called; default 5. */
  retryTimes?: number;
}

/** A raw signed request, for endpoints newer than this SDK's catalogue. */
export type RawManagementRequest = PreparedCall;

export const DEFAULT_MANAGEMENT_HOST = 'https://api.authing.cn';

// Declaration merging gives the class one typed method per catalogue entry, installed at runtime;
// `pub` is written by hand because its official signature is `(eventName, data)`, not one object.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ManagementClient extends Omit<ManagementApi, 'pub'> {}

/**
 * The administrator's client: every management endpoint as a method, each request signed with the
 * AK/SK (HMAC-SHA1). Create one per process and share it; it pools connections.
 *
 * Methods resolve to Authing's envelope `{ statusCode, message, apiCode, requestId, data }` for
 * success and business errors alike; they throw only for invalid arguments
 * ({@link AuthingArgumentError}), network failures and timeouts, and answers that are not Authing's
 * protocol.
 *
 * @example
 * const management = new ManagementClient({ accessKeyId, accessKeySecret });
 * const { data } = await management.listUsers({ options: { pagination: { page: 1, limit: 10 } } });
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ManagementClient {
  readonly #transport: HttpTransport;
  readonly #accessKeyId: string;
  readonly #accessKeySecret: string;
  readonly #tenantId: string | undefined;
  readonly #socketUri: string;
  readonly #retryTimes: number;

  constructor(options: ManagementClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new AuthingArgumentError('options', 'ManagementClient needs { accessKeyId, accessKeySecret }');
    }
    this.#accessKeyId = requireNonBlank(options.accessKeyId, 'accessKeyId');
    this.#accessKeySecret = requireNonBlank(options.accessKeySecret, 'accessKeySecret');
    if (options.tenantId !== undefined) requireNonBlank(options.tenantId, 'tenantId');
    this.#tenantId = options.tenantId;
    this.#socketUri = socketBase(options.socketUri ?? DEFAULT_SOCKET_URI);
    this.#retryTimes = eventRetries(options.retryTimes);
    this.#transport = new HttpTransport(options.host ?? DEFAULT_MANAGEMENT_HOST, options, 'host');
  }

  /** The API origin requests go to. */
  get host(): string {
    return this.#transport.baseUrl;
  }

  /**
   * Calls a catalogue endpoint by name; the typed methods are thin wrappers around this. Async, so
   * an invalid argument rejects the returned promise rather than throwing synchronously.
   */
  async callEndpoint(name: string, args: unknown): Promise<AuthingResponse> {
    const spec = (MANAGEMENT_ENDPOINTS as Record<string, (typeof MANAGEMENT_ENDPOINTS)[ManagementMethod]>)[name];
    if (!spec) throw new AuthingArgumentError('name', `"${name}" is not a management endpoint`);
    return this.request(prepareCall(name, spec, args));
  }

  /**
   * Subscribes to an event (`authing.user.created`…) on `<socketUri>/events/v1/management/sub`,
   * signed with the access key as the official SDK does. `callback` gets each message string;
   * `errCallback` an Error once reconnections are exhausted. Returns a function that unsubscribes.
   *
   * @example
   * const stop = management.sub('authing.user.created', (data) => console.log(JSON.parse(data)));
   */
  sub(eventCode: string, callback: (data: string) => void, errCallback?: (error: Error) => void): Unsubscribe {
    if (typeof eventCode !== 'string' || eventCode === '')
      throw new AuthingArgumentError('eventCode', 'must be a non-empty string');
    if (typeof callback !== 'function') throw new AuthingArgumentError('callback', 'must be a function');
    return subscribe({
      url: `${this.#socketUri}/events/v1/management/sub?code=${encodeURIComponent(eventCode)}`,
      headers: { authorization: websocketAuthorization(this.#accessKeyId, this.#accessKeySecret) },
      retryTimes: this.#retryTimes,
      onMessage: callback,
      onError: errCallback,
    });
  }

  /** Sends a signed request to any path and returns the envelope. */
  async request<T = unknown>(call: RawManagementRequest): Promise<AuthingResponse<T>> {
    const body = call.body;
    // Sign the query as it travels (no null values or empty arrays, dates as ISO text), so that the
    // server can recompute the signature from what it receives.
    const query = wireQuery(call.query);
    const signedArgs = call.method === 'GET' ? (query ?? {}) : (body ?? {});
    return this.#transport.envelope<T>({
      method: call.method,
      path: call.path,
      query,
      // Every official request declares JSON, body or not; servers may rely on it.
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : { contentType: 'application/json', text: JSON.stringify(body) },
      attemptHeaders: (headers) => this.#sign(call.method, call.path, headers, signedArgs),
    });
  }

  /**
   * Publishes a custom event (`POST /api/v3/pub-event`): Authing wants the event name and its data
   * as strings. `source` names this SDK, as `x-authing-sdk-version` does.
   *
   * @example
   * await management.pub('order.paid', JSON.stringify({ orderId: 'o-1' }));
   */
  async pub(eventName: string, data: string): Promise<AuthingResponse> {
    requireNonBlank(eventName, 'eventName');
    return this.request({ method: 'POST', path: '/api/v3/pub-event', body: pubEventBody(eventName, data) });
  }

  /**
   * Iterates over every item of a paginated list call, one page in memory at a time.
   * A business error ends the iteration by throwing {@link AuthingApiError}.
   *
   * @example
   * for await (const user of management.paginate('listUsers', {})) console.log(user.userId);
   */
  paginate<K extends PaginatedMethod>(
    method: K,
    request?: Parameters<ManagementApi[K]>[0],
    options?: PaginateOptions,
  ): AsyncGenerator<PageItem<K>, void, undefined> {
    return paginate(this, method, request, options);
  }

  /** Closes pooled connections. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  #sign(method: string, path: string, headers: Record<string, string>, args: Record<string, unknown>): void {
    headers['x-authing-signature-nonce'] = makeNonce();
    headers['x-authing-signature-method'] = 'HMAC-SHA1';
    headers['x-authing-signature-version'] = '1.0';
    headers['x-authing-sdk-version'] = `${SDK_NAME}:${SDK_VERSION}`;
    headers.date = new Date().toUTCString();
    if (this.#tenantId) headers['x-authing-app-id'] = this.#tenantId;
    const signature = sign(this.#accessKeySecret, buildStringToSign(method, path, headers, args));
    headers.authorization = authorizationHeader(this.#accessKeyId, signature);
  }

  /** Keeps the key pair out of `console.log(client)` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `ManagementClient { host: '${this.host}' }`;
  }
}

installCatalogue(ManagementClient.prototype, MANAGEMENT_ENDPOINTS, ['pub']);
