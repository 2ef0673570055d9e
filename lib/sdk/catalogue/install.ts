import type { EndpointSpec } from './endpoint.js';

/** A client that can execute any catalogue entry by name. */
export interface CatalogueCaller {
  callEndpoint(name: string, args: unknown): Promise<unknown>;
}

/**
 * Puts one method per catalogue entry on a client's prototype, each a one-line delegation to the
 * client's generic caller: the catalogue is the single source of paths, methods and defaults.
 */
export function installCatalogue(
  prototype: object,
  endpoints: Readonly<Record<string, EndpointSpec>>,
  /** Entries the class implements by hand because their official signature is not one object. */
  handWritten: readonly string[] = [],
): void {
  for (const name of Object.keys(endpoints)) {
    if (handWritten.includes(name)) {
      if (!Object.prototype.hasOwnProperty.call(prototype, name)) throw new Error(`${name} is not implemented`);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(prototype, name)) {
      throw new Error(`catalogue method ${name} collides with a hand-written member`);
    }
    Object.defineProperty(prototype, name, {
      configurable: true,
      writable: true,
      enumerable: false,
      value: function (this: CatalogueCaller, args?: unknown) {
        return this.callEndpoint(name, args);
      },
    });
  }
}
