/**
 * How each method of the official `authing-node-sdk@4.0.1` ManagementClient takes its arguments,
 * read from its published type declarations (argument shapes only; no code is taken from it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One declared field or positional parameter: its name, optionality and TypeScript type text. */
export interface DeclaredField {
  name: string;
  optional: boolean;
  type: string;
}

export type OfficialSignature =
  /** `name({ a, b }: { a?: string; b?: number })`: one destructured object. */
  | { kind: 'object'; fields: DeclaredField[] }
  /** `name(requestBody: SomeDto)`: the JSON body itself. */
  | { kind: 'body'; dto: string }
  /** `name()`. */
  | { kind: 'none' }
  /** Anything else, e.g. `deleteAuth(authIds: Array<string>)`. */
  | { kind: 'positional'; params: DeclaredField[] };

const distDir = dirname(createRequire(import.meta.url).resolve('authing-node-sdk'));

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '');
}

function fieldsOf(typeBody: string): DeclaredField[] {
  const fields: DeclaredField[] = [];
  for (const m of stripComments(typeBody).matchAll(/(\w+)(\??):\s*([^;]+);/g)) {
    fields.push({ name: m[1]!, optional: m[2] === '?', type: m[3]!.trim() });
  }
  return fields;
}

/** Splits `a: string, b: Array<string>` at top-level commas. */
function splitParams(text: string): DeclaredField[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '<' || ch === '(' || ch === '{') depth++;
    if (ch === '>' || ch === ')' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => {
    const m = /^\s*(\w+)(\??):\s*([\s\S]+?)\s*$/.exec(p);
    if (!m) throw new Error(`cannot read parameter "${p}"`);
    return { name: m[1]!, optional: m[2] === '?', type: m[3]! };
  });
}

/** Every method declared by the official ManagementClient, by name. */
export function readOfficialManagementSurface(): Map<string, OfficialSignature> {
  const text = readFileSync(join(distDir, 'ManagementClient.d.ts'), 'utf8');
  const out = new Map<string, OfficialSignature>();
  for (const m of text.matchAll(/^ {4}(\w+)\(((?:(?!\n {4}\w+\()[\s\S])*?)\): Promise</gm)) {
    const [, name, params] = m as unknown as [string, string, string];
    const trimmed = params.trim();
    if (trimmed === '') out.set(name, { kind: 'none' });
    else if (trimmed.startsWith('{')) {
      const typeStart = trimmed.indexOf('}: {');
      if (typeStart < 0) throw new Error(`cannot read the parameters of ${name}`);
      out.set(name, { kind: 'object', fields: fieldsOf(trimmed.slice(typeStart + 4, trimmed.lastIndexOf('}'))) });
    } else {
      const declared = splitParams(trimmed);
      if (declared.length === 1 && declared[0]!.name === 'requestBody') {
        out.set(name, { kind: 'body', dto: declared[0]!.type });
      } else {
        out.set(name, { kind: 'positional', params: declared });
      }
    }
  }
  return out;
}

const dtoCache = new Map<string, DeclaredField[]>();

/** The top-level fields of an official request DTO (`models/<Name>.d.ts`); empty when unknown. */
export function dtoFields(dto: string): DeclaredField[] {
  const cached = dtoCache.get(dto);
  if (cached) return cached;
  let fields: DeclaredField[] = [];
  if (/^\w+$/.test(dto)) {
    try {
      const text = readFileSync(join(distDir, 'models', `${dto}.d.ts`), 'utf8');
      const body = /export declare type \w+ = \{([\s\S]*?)\n\};/.exec(text);
      if (body) {
        fields = [...stripComments(body[1]!).matchAll(/^ {4}(\w+)(\??):\s*([^;]+);/gm)].map((f) => ({
          name: f[1]!,
          optional: f[2] === '?',
          type: f[3]!.trim(),
        }));
      }
    } catch {
      fields = [];
    }
  }
  dtoCache.set(dto, fields);
  return fields;
}
