import type { AuthenticationHandler } from '../authentication-api.js';

/**
 * The end-user route table. Keys are `"<METHOD> <path>"`; a path may hold `{name}` segments (as
 * the catalogue writes them), matched when no exact key does, their values added to the arguments.
 */
export class RouteTable extends Map<string, AuthenticationHandler> {
  readonly #templates: [RegExp, string[], AuthenticationHandler][] = [];

  override set(key: string, handler: AuthenticationHandler): this {
    if (key.includes('{')) {
      const names: string[] = [];
      const source = key
        .split(/(\{[A-Za-z]+\})/)
        .map((part) => {
          const name = /^\{([A-Za-z]+)\}$/.exec(part)?.[1];
          if (!name) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          names.push(name);
          return '([^/]+)';
        })
        .join('');
      this.#templates.push([new RegExp(`^${source}$`), names, handler]);
    }
    return super.set(key, handler);
  }

  override get(key: string): AuthenticationHandler | undefined {
    const exact = super.get(key);
    if (exact) return exact;
    for (const [pattern, names, handler] of this.#templates) {
      const match = pattern.exec(key);
      if (!match) continue;
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
      return (args, headers) => handler({ ...args, ...params }, headers);
    }
    return undefined;
  }
}
