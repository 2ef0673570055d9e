/** A stored object of a generic family: plain JSON, keyed inside its collection. */
export type Row = Record<string, unknown>;

/**
 * The rows of every family that has no dedicated store (tenants, posts, webhooks, settings…), one
 * named collection each. Rows are plain JSON so persistence needs no per-family code.
 */
export class Collections {
  readonly #data = new Map<string, Map<string, Row>>();

  /** The collection `name`, created empty on first use. */
  of(name: string): Map<string, Row> {
    let collection = this.#data.get(name);
    if (!collection) {
      collection = new Map();
      this.#data.set(name, collection);
    }
    return collection;
  }

  toJSON(): Record<string, [string, Row][]> {
    const out: Record<string, [string, Row][]> = {};
    for (const [name, rows] of this.#data) if (rows.size > 0) out[name] = [...rows];
    return out;
  }

  load(state: unknown): void {
    if (typeof state !== 'object' || state === null) return;
    for (const [name, rows] of Object.entries(state as Record<string, unknown>)) {
      if (!Array.isArray(rows)) continue;
      const collection = this.of(name);
      for (const entry of rows) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'object' && entry[1]) {
          collection.set(entry[0], entry[1] as Row);
        }
      }
    }
  }
}
