import { Inject, Injectable, type Type } from '@nestjs/common';
import { ModuleRef, type ModulesContainer } from '@nestjs/core';
import { claimHost } from '../decorators/client-lookup.js';

/**
 * Several AuthingModule instances serve one application (non-global modules): `clients` claims, for
 * `@AuthingClient()`, the controllers and providers (resolvers, gateways) of every module whose own
 * injector resolves `token` to it. Nest's injector decides, so imports, re-exports and global
 * modules count exactly as they do for constructor injection. Runs once, at bootstrap.
 */
export async function claimHosts(modules: ModulesContainer, server: object, clients: object): Promise<void> {
  const token = clients.constructor as Type<unknown>;
  @Injectable()
  class Probe {
    constructor(@Inject(token) readonly found: unknown) {}
  }
  for (const module of modules.values()) {
    const moduleRef = module.providers.get(ModuleRef)?.instance as ModuleRef | undefined;
    if (!moduleRef) continue;
    let found: unknown;
    try {
      found = (await moduleRef.create(Probe)).found;
    } catch {
      continue; // this module sees no AuthingClients
    }
    if (found !== clients) continue;
    for (const host of [...module.controllers.keys(), ...module.providers.keys()]) {
      if (typeof host === 'function') claimHost(server, host, clients as never);
    }
  }
}
