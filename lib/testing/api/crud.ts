import { conflict, invalidArgument, notFound } from '../http.js';
import { newId, now } from '../store.js';
import type { Row } from '../store/collections.js';
import * as validation from '../validate.js';
import type { FamilyContext } from './registry.js';

/**
 * A family whose objects are plain rows: which collection, how a row is named, and which catalogue
 * paths create, read, list, update and delete them. Every path is registered for each HTTP method
 * the catalogue gives it.
 */
export interface CrudSpec {
  /** Collection name in the store (and the data file). */
  collection: string;
  /** What error messages call one object, e.g. `Tenant`. */
  label: string;
  /** Field naming a row; generated (24 hex) on create when absent and `generateKey` is set. */
  key: string;
  generateKey?: boolean;
  /** Other argument names accepted for the key (e.g. `id` for `funcId`). */
  keyAliases?: readonly string[];
  /** Fields a create must carry (besides the key unless generated). */
  required?: readonly string[];
  /** Fields that scope a row (e.g. `appId`): part of its identity, given on every call. */
  scope?: readonly string[];
  /** Defaults merged under the given fields on create. */
  defaults?: Row;
  create?: readonly string[];
  /** Paths taking `{ list: [...] }` (or `field`) and creating each item. */
  createBatch?: readonly (string | readonly [path: string, field: string])[];
  get?: readonly string[];
  /** Paths taking an array of keys in `field`. */
  getBatch?: readonly (readonly [path: string, field: string])[];
  list?: readonly string[];
  update?: readonly string[];
  /** Field carrying a new key on update (`newCode`). */
  renameField?: string;
  delete?: readonly string[];
  deleteBatch?: readonly (readonly [path: string, field: string])[];
  /** Paths answering `{ exists }` (or a bare boolean with `bare`) for the key. */
  exists?: readonly string[];
  /** What a delete answers: Authing mostly says `{ success: true }`. */
  deleted?: () => unknown;
}

/** The shared create/read/list/update/delete behaviour of row families, persisted in the store. */
export function registerCrud(ctx: FamilyContext, spec: CrudSpec): CrudOps {
  const rows = ctx.store.collections.of(spec.collection);
  const keyOf = (args: validation.Args, required = true): string | undefined => {
    for (const field of [spec.key, ...(spec.keyAliases ?? [])]) {
      const value = args[field];
      if (typeof value === 'string' && value !== '') return value;
      if (typeof value === 'number') return String(value);
    }
    if (required) throw invalidArgument(`Missing required field: ${spec.key}`);
    return undefined;
  };
  const scoped = (args: validation.Args, key: string): string =>
    [...(spec.scope ?? []).map((f) => validation.optionalString(args, f) ?? ''), key].join('\u0000');
  const inScope = (row: Row, args: validation.Args): boolean =>
    (spec.scope ?? []).every((f) => args[f] === undefined || row[f] === args[f]);

  const ops: CrudOps = {
    rows,
    create(args) {
      for (const field of spec.required ?? []) {
        if (args[field] === undefined || args[field] === null || args[field] === '') {
          throw invalidArgument(`Missing required field: ${field}`);
        }
      }
      const key = keyOf(args, !spec.generateKey) ?? newId();
      const id = scoped(args, key);
      if (rows.has(id)) throw conflict(`${spec.label} ${key} already exists`);
      const at = now();
      const row: Row = {
        ...(spec.defaults ?? {}),
        ...definedFields(args),
        [spec.key]: key,
        createdAt: at,
        updatedAt: at,
      };
      rows.set(id, row);
      ctx.store.changed();
      return row;
    },
    require(args) {
      const key = keyOf(args)!;
      const row = rows.get(scoped(args, key));
      if (!row) throw notFound(`${spec.label} ${key} does not exist`);
      return row;
    },
    update(args) {
      const row = ops.require(args);
      const oldId = scoped(args, String(row[spec.key]));
      const patch = definedFields(args);
      delete patch[spec.key];
      for (const alias of spec.keyAliases ?? []) delete patch[alias];
      const newKey = spec.renameField ? validation.optionalString(args, spec.renameField) : undefined;
      if (spec.renameField) delete patch[spec.renameField];
      Object.assign(row, patch, { updatedAt: now() });
      if (newKey && newKey !== row[spec.key]) {
        const newId = scoped(args, newKey);
        if (rows.has(newId)) throw conflict(`${spec.label} ${newKey} already exists`);
        rows.delete(oldId);
        row[spec.key] = newKey;
        rows.set(newId, row);
      }
      ctx.store.changed();
      return row;
    },
    remove(args) {
      const row = ops.require(args);
      rows.delete(scoped(args, String(row[spec.key])));
      ctx.store.changed();
    },
    list(args) {
      const options = validation.optionalObject(args, 'options');
      const { page, limit } = validation.pagination(
        validation.optionalObject(args, 'pagination') ?? validation.optionalObject(options ?? {}, 'pagination') ?? args,
      );
      const needle = (
        validation.optionalString(args, 'keywords') ??
        validation.optionalString(args, 'keyword') ??
        validation.optionalString(args, 'query')
      )?.toLowerCase();
      const list = [...rows.values()].filter(
        (row) =>
          inScope(row, args) &&
          (!needle || Object.values(row).some((v) => typeof v === 'string' && v.toLowerCase().includes(needle))),
      );
      return validation.paginate(list, page, limit);
    },
  };

  const deleted = spec.deleted ?? (() => ({ success: true }));
  for (const path of spec.create ?? []) ctx.routeAll(path, (args) => ops.create(args));
  for (const entry of spec.createBatch ?? []) {
    const [path, field] = typeof entry === 'string' ? [entry, 'list'] : entry;
    ctx.routeAll(path, (args) =>
      validation.requireArray(args, field).map((item, i) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          throw invalidArgument(`Field ${field}[${i}] must be an object`);
        }
        return ops.create({ ...pick(args, spec.scope ?? []), ...(item as validation.Args) });
      }),
    );
  }
  for (const path of spec.get ?? []) ctx.routeAll(path, (args) => ops.require(args));
  for (const [path, field] of spec.getBatch ?? []) {
    ctx.routeAll(path, (args) =>
      validation
        .requireStringArray(args, field)
        .map((key) => rows.get(scoped(args, key)))
        .filter((row): row is Row => row !== undefined),
    );
  }
  for (const path of spec.list ?? []) ctx.routeAll(path, (args) => ops.list(args));
  for (const path of spec.update ?? []) ctx.routeAll(path, (args) => ops.update(args));
  for (const path of spec.delete ?? []) {
    ctx.routeAll(path, (args) => {
      ops.remove(args);
      return deleted();
    });
  }
  for (const [path, field] of spec.deleteBatch ?? []) {
    ctx.routeAll(path, (args) => {
      for (const key of validation.requireStringArray(args, field)) rows.delete(scoped(args, key));
      ctx.store.changed();
      return deleted();
    });
  }
  for (const path of spec.exists ?? []) {
    ctx.routeAll(path, (args) => ({ exists: rows.has(scoped(args, keyOf(args)!)) }));
  }
  return ops;
}

/** What a CRUD family exposes to its module for the calls with more behaviour. */
export interface CrudOps {
  readonly rows: Map<string, Row>;
  create(args: validation.Args): Row;
  require(args: validation.Args): Row;
  update(args: validation.Args): Row;
  remove(args: validation.Args): void;
  list(args: validation.Args): { list: Row[]; totalCount: number };
}

/** A row's fields as given (`undefined` dropped; nested values copied so later edits do not alias). */
function definedFields(args: validation.Args): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(args)) if (v !== undefined) out[k] = structuredClone(v);
  return out;
}

function pick(args: validation.Args, fields: readonly string[]): validation.Args {
  return Object.fromEntries(fields.filter((f) => args[f] !== undefined).map((f) => [f, args[f]]));
}

/**
 * A settings document (security settings, email provider…): `get` answers it, `update` merges the
 * given fields into it; both persist.
 */
export function registerSettings(
  ctx: FamilyContext,
  name: string,
  paths: { get?: readonly string[]; update?: readonly string[]; defaults?: Row; unwrap?: string },
): { read(): Row; write(patch: Row): Row } {
  const rows = ctx.store.collections.of('settings');
  const read = (): Row => rows.get(name) ?? structuredClone(paths.defaults ?? {});
  const write = (patch: Row): Row => {
    const next = { ...read(), ...patch };
    rows.set(name, next);
    ctx.store.changed();
    return next;
  };
  for (const path of paths.get ?? []) ctx.routeAll(path, () => read());
  for (const path of paths.update ?? []) {
    ctx.routeAll(path, (args) => {
      const source = paths.unwrap ? (validation.optionalObject(args, paths.unwrap) ?? {}) : args;
      return write(definedFields(source));
    });
  }
  return { read, write };
}
