import { createPublicKey, type KeyObject } from 'node:crypto';
import { AuthingTokenError } from './errors.js';
import type { JsonWebKeyEntry, JsonWebKeySet } from './claims.js';

export interface JwksStoreOptions {
  /** Loads the key set from the identity server; throws when it cannot. */
  fetchKeys?: () => Promise<JsonWebKeySet>;
  /** Keys given offline; when set, nothing is ever fetched. */
  staticKeys?: JsonWebKeySet;
  /**
   * Minimum time between two fetches, failed or successful, whatever caused them (no keys yet, an
   * unknown `kid`, a stale set), so bad tokens or a failing server cannot make us hammer it.
   */
  refetchIntervalMs: number;
  /** After this age the set is refreshed in the background, so a key withdrawn at the server is dropped. */
  maxAgeMs: number;
  now?: () => number;
}

interface KeyEntry {
  kid: string | undefined;
  alg: string | undefined;
  key: KeyObject;
}

/**
 * The application's public signing keys: fetched once, cached, refreshed on an unknown `kid` at most
 * once per interval, and never guessed (a token whose `kid` is unknown is refused, not tried against
 * the first key).
 */
export class JwksStore {
  #keys: KeyEntry[] | undefined;
  #fingerprint = '';
  #fetchedAt = -Infinity;
  #lastAttemptAt = -Infinity;
  #inflight: Promise<void> | undefined;
  #lastError: unknown;
  #generation = 0;
  readonly #options: JwksStoreOptions;
  readonly #now: () => number;
  /** Number of fetches made, successful or not; tests and benchmarks read it. */
  fetchCount = 0;

  constructor(options: JwksStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    if (options.staticKeys) this.#install(options.staticKeys);
  }

  /** Increments whenever the key set changes, so caches of verified tokens know to flush. */
  get generation(): number {
    return this.#generation;
  }

  /** Finds the key for a token header, fetching the set when needed and allowed. */
  async keyFor(kid: string | undefined, alg: string): Promise<KeyObject> {
    if (!this.#keys) {
      // No keys yet (never loaded, or every fetch failed): a request joins a fetch in flight, or starts
      // one if the interval allows; otherwise it is refused at once, so a flood of tokens while the
      // server fails causes one fetch per interval, not one per token.
      if (!this.#inflight && !this.#mayRefetch()) throw this.#unavailable(this.#lastError);
      await this.#refresh(true);
    }
    // In the background, and no more often than an unknown kid may cause: a failing server is not hammered.
    else if (this.#isStale() && this.#mayRefetch()) void this.#refresh(false).catch(() => undefined);
    let found = this.#find(kid, alg);
    if (found) return found;
    if (this.#options.fetchKeys && this.#mayRefetch()) {
      await this.#refresh(true);
      found = this.#find(kid, alg);
      if (found) return found;
    }
    throw new AuthingTokenError('key', kid ? `no signing key with kid "${truncate(kid)}"` : 'the token names no key');
  }

  /** Fetches the key set now (e.g. at start-up, to warm the cache). */
  async load(): Promise<void> {
    await this.#refresh(true);
  }

  #mayRefetch(): boolean {
    return this.#now() - this.#lastAttemptAt >= this.#options.refetchIntervalMs;
  }

  #isStale(): boolean {
    return this.#options.fetchKeys !== undefined && this.#now() - this.#fetchedAt > this.#options.maxAgeMs;
  }

  #find(kid: string | undefined, alg: string): KeyObject | undefined {
    const keys = this.#keys ?? [];
    const usable = keys.filter((k) => k.alg === undefined || k.alg === alg);
    if (kid !== undefined) return usable.find((k) => k.kid === kid)?.key;
    // Without a kid the choice is only unambiguous when the set holds a single usable key.
    return usable.length === 1 ? usable[0]?.key : undefined;
  }

  async #refresh(mustSucceed: boolean): Promise<void> {
    const fetchKeys = this.#options.fetchKeys;
    if (!fetchKeys) {
      if (!this.#keys) throw new AuthingTokenError('jwks_unavailable', 'no keys were given and none can be fetched');
      return;
    }
    this.#inflight ??= (async () => {
      this.#lastAttemptAt = this.#now();
      this.fetchCount++;
      try {
        this.#install(await fetchKeys());
        this.#fetchedAt = this.#now();
        this.#lastError = undefined;
      } catch (error) {
        this.#lastError = error;
        throw error;
      } finally {
        this.#inflight = undefined;
      }
    })();
    try {
      await this.#inflight;
    } catch (error) {
      // With keys in hand a failed refresh is not fatal: keep verifying with what we have.
      if (mustSucceed && !this.#keys) throw this.#unavailable(error);
    }
  }

  #unavailable(error: unknown): AuthingTokenError {
    const cause = error === undefined ? '' : ` (${describe(error)})`;
    const retryIn = Math.max(0, this.#lastAttemptAt + this.#options.refetchIntervalMs - this.#now());
    const next = this.#inflight ? '' : `; next attempt in ${Math.ceil(retryIn / 1000)} s`;
    return new AuthingTokenError('jwks_unavailable', `the signing keys could not be fetched${cause}${next}`);
  }

  #install(set: JsonWebKeySet): void {
    if (typeof set !== 'object' || set === null || !Array.isArray(set.keys)) {
      throw new Error('the key set is not a JWKS');
    }
    const keys: KeyEntry[] = [];
    for (const jwk of set.keys) {
      const entry = importKey(jwk);
      if (entry) keys.push(entry);
    }
    const fingerprint = JSON.stringify(set.keys.map((k) => [k.kid, k.kty, k.n, k.e, k.x, k.y, k.alg]));
    if (fingerprint !== this.#fingerprint) {
      this.#fingerprint = fingerprint;
      this.#generation++;
    }
    this.#keys = keys;
  }
}

function importKey(jwk: JsonWebKeyEntry): KeyEntry | undefined {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  // Only public keys: a set that leaks private members is still used, but only for its public half.
  const { kty, n, e, crv, x, y } = jwk;
  try {
    const key = createPublicKey({ key: { kty, n, e, crv, x, y } as import('node:crypto').JsonWebKey, format: 'jwk' });
    return { kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, alg: jwk.alg, key };
  } catch {
    return undefined;
  }
}

function truncate(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
