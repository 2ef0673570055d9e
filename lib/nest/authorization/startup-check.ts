import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { AuthingError, ManagementClient } from '../../sdk/index.js';
import { isManagementConfigured } from '../providers/unconfigured-management-client.js';
import { describeIdSource } from './requirements.js';
import { readRequirements } from './route-requirements.js';

// Nest's own metadata keys (@nestjs/common/constants), as values: importing that file would pull
// the CommonJS constants module into the ESM build for three strings.
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const MODULE_PATH = '__module_path__';

/**
 * Start-up checks of `@ResourceAccess()`, so a misconfigured route fails the boot rather than every
 * request: the module needs management credentials to ask Authing, and an id read from a route
 * parameter needs that parameter in the route's path. (Query and body ids can only be checked per
 * request: a request without them gets 400.)
 */
@Injectable()
export class AuthorizationStartupCheck implements OnModuleInit {
  constructor(
    @Inject(ModulesContainer) private readonly modules: ModulesContainer,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ManagementClient) private readonly management: ManagementClient,
  ) {}

  onModuleInit(): void {
    for (const module of this.modules.values()) {
      const modulePaths = modulePathsOf(module.metatype);
      for (const wrapper of module.controllers.values()) {
        const type = wrapper.metatype as (new (...args: never[]) => object) | null | undefined;
        if (typeof type !== 'function') continue;
        for (const [name, handler] of handlersOf(type)) {
          const requirements = readRequirements(this.reflector, handler, type);
          if (!requirements || requirements.resources.length === 0) continue;
          const where = `${type.name}.${name}`;
          if (!isManagementConfigured(this.management)) {
            throw new AuthingError(
              'configuration',
              'accessKeyId',
              `@ResourceAccess() on ${where} asks Authing through the ManagementClient: set accessKeyId and ` +
                'accessKeySecret (and host for a private deployment) in the AuthingModule options',
            );
          }
          const paths = joinPaths(modulePaths, pathsOf(type), pathsOf(handler));
          for (const requirement of requirements.resources) {
            if (!requirement.id || !('param' in requirement.id)) continue;
            const { name: param } = describeIdSource(requirement.id);
            const token = new RegExp(`:${param.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`);
            if (!paths.every((path) => token.test(path))) {
              throw new AuthingError(
                'configuration',
                'resource_id',
                `@ResourceAccess({ resource: '${requirement.resource}', action: '${requirement.action}' }) on ${where} ` +
                  `reads the route parameter "${param}", but the route ${paths.map((p) => `"${p}"`).join(', ')} has no ` +
                  `":${param}": name the parameter as in the path, or read the id from { query } or { body }`,
              );
            }
          }
        }
      }
    }
  }
}

/** Route handlers of a controller (methods with an HTTP method), own and inherited. */
function handlersOf(type: new (...args: never[]) => object): [string, object][] {
  const out: [string, object][] = [];
  const seen = new Set<string>();
  for (
    let proto = type.prototype as object | null;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || seen.has(name)) continue;
      seen.add(name);
      const value = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (typeof value === 'function' && Reflect.getMetadata(METHOD_METADATA, value) !== undefined)
        out.push([name, value]);
    }
  }
  return out;
}

function pathsOf(target: object): string[] {
  const value = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
  if (value === undefined) return [''];
  return Array.isArray(value) ? value : [value];
}

/** RouterModule prefixes registered for a module (one metadata key per application). */
function modulePathsOf(metatype: object | undefined): string[] {
  if (!metatype) return [''];
  const keys = Reflect.getMetadataKeys(metatype).filter(
    (k): k is string => typeof k === 'string' && k.startsWith(MODULE_PATH),
  );
  const paths = keys.map((k) => String(Reflect.getMetadata(k, metatype)));
  return paths.length ? [paths.join('/')] : [''];
}

function joinPaths(...segments: string[][]): string[] {
  return segments.reduce<string[]>(
    (acc, options) => acc.flatMap((prefix) => options.map((p) => [prefix, p].filter(Boolean).join('/'))),
    [''],
  );
}
