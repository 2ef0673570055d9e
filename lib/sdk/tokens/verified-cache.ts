interface Entry<T> {
  value: T;
  expiresAt: number;
  generation: number;
}

/**
 * A bounded LRU of tokens that already passed every check, keyed by their SHA-256 (`tokenHash`) so the cache never
 * holds a usable token. An entry lives no longer than the token itself and is ignored as soon as the
 * key set changes (`generation`), so a withdrawn key stops working at once.
 */
export class VerifiedTokenCache<T> {
  readonly #entries = new Map<string, Entry<T>>();

  constructor(
    readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, generation: number): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.generation !== generation || entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    // Re-insert to mark as most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T, expiresAt: number, generation: number): void {
    if (this.maxEntries <= 0 || expiresAt <= this.now()) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt, generation });
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
