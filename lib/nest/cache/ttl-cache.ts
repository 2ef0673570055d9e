/**
 * A small map whose entries expire, bounded in size (the oldest insertion goes first). Used for
 * introspection answers (keyed by token hash) and users' roles.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Deletes the entries whose key matches. */
  deleteWhere(match: (key: string) => boolean): void {
    for (const key of [...this.#entries.keys()]) if (match(key)) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** A token's cache key: its SHA-256, so the cache never holds a usable token (one helper, the SDK's). */
export { tokenHash as tokenKey } from '../../sdk/internal.js';
