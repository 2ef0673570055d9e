import { recentNow } from './recent-clock.js';

/**
 * How close to its expiry an entry must be for {@link VerifiedTokenCache.holds} to read the precise
 * clock: the recent clock lags by up to 50 ms, more only while the event loop is blocked that long.
 */
const RECENT_CLOCK_MARGIN_MS = 1000;

interface Entry<T> {
  value: T;
  expiresAt: number;
  generation: number;
  /** When it was stored or last moved to the newest end. */
  tick: number;
  /** False once deleted, evicted or cleared. */
  live: boolean;
}

/**
 * A bounded LRU of tokens that already passed every check, keyed by their SHA-256 (`tokenHash`) so the cache never
 * holds a usable token. An entry lives no longer than the token itself and is ignored as soon as the
 * key set changes (`generation`), so a withdrawn key stops working at once.
 *
 * Least recently used goes first, approximately: a hit moves its entry to the newest end only when
 * it has fallen into the older half, so a hot token costs a lookup, not a delete and an insert
 * (which, on every request of a warm guard, the benchmark measured).
 */
export class VerifiedTokenCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  /** The entry of each remembered value, so a caller holding a value can ask if it still holds. */
  readonly #byValue = new WeakMap<object, Entry<T>>();
  readonly #refreshAfter: number;
  /** With the system clock (not a clock of the caller's), `holds` may use the recent clock. */
  readonly #systemClock: boolean;
  #tick = 0;

  constructor(
    readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#refreshAfter = Math.max(1, maxEntries >>> 1);
    this.#systemClock = now === Date.now;
  }

  get(key: string, generation: number): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.generation !== generation || entry.expiresAt <= this.now()) {
      this.#delete(key);
      return undefined;
    }
    // Entries are in order of `tick`: one among the newest #refreshAfter stays where it is.
    if (this.#tick - entry.tick >= this.#refreshAfter) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      entry.tick = ++this.#tick;
    }
    return entry.value;
  }

  set(key: string, value: T, expiresAt: number, generation: number): void {
    if (this.maxEntries <= 0 || expiresAt <= this.now()) return;
    this.#delete(key);
    const entry: Entry<T> = { value, expiresAt, generation, tick: ++this.#tick, live: true };
    this.#entries.set(key, entry);
    if (typeof value === 'object' && value !== null) this.#byValue.set(value, entry);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#delete(oldest);
    }
  }

  /**
   * Whether `value` (as returned by {@link get}) is still remembered and valid for `generation`, as
   * `get` with its key would say, without the key: lets a caller that kept the value skip hashing
   * the token again. Does not count as a use. With the system clock, an entry more than a second
   * from its expiry is judged by a clock read at most 50 ms ago.
   */
  holds(value: T & object, generation: number): boolean {
    const entry = this.#byValue.get(value);
    if (entry === undefined || !entry.live || entry.generation !== generation) return false;
    // Called on every warm request: an entry far from its expiry needs no read of the system clock
    // (see recent-clock.ts); one within the margin is checked precisely.
    if (this.#systemClock && entry.expiresAt - RECENT_CLOCK_MARGIN_MS > recentNow()) return true;
    return entry.expiresAt > this.now();
  }

  clear(): void {
    for (const entry of this.#entries.values()) entry.live = false;
    this.#entries.clear();
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.live = false;
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
