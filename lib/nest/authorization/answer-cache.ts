import { TtlCache } from '../cache/ttl-cache.js';

/**
 * Answers kept for a short time, and questions in flight shared: while one call for a key is
 * pending, every other asker of the same key waits for it (one call for N concurrent requests).
 * Settled answers are read synchronously; failures are never remembered.
 */
export class AnswerCache<V> {
  readonly #answers: TtlCache<V>;
  readonly #inFlight = new Map<string, Promise<V>>();

  constructor(
    private readonly ttl: number,
    maxEntries = 10_000,
  ) {
    this.#answers = new TtlCache<V>(maxEntries);
  }

  /** The settled answer for `key`, if still fresh. */
  peek(key: string): V | undefined {
    return this.#answers.get(key);
  }

  /**
   * The answer for `key`: the fresh one, the pending one, or a new call of `load`. `keep(answer)`
   * decides whether a settled answer is remembered (a refusal by the server may not be).
   */
  get(key: string, load: () => Promise<V>, keep: (answer: V) => boolean = () => true): Promise<V> {
    const fresh = this.#answers.get(key);
    if (fresh !== undefined) return Promise.resolve(fresh);
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    const call = load().then(
      (answer) => {
        this.#inFlight.delete(key);
        if (keep(answer)) this.#answers.set(key, answer, this.ttl);
        return answer;
      },
      (error: unknown) => {
        this.#inFlight.delete(key);
        throw error;
      },
    );
    this.#inFlight.set(key, call);
    return call;
  }

  /** Forgets the answers whose key matches (pending calls still settle for their askers). */
  forget(match?: (key: string) => boolean): void {
    if (match) this.#answers.deleteWhere(match);
    else this.#answers.clear();
  }
}
