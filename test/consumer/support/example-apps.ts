import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createConsumerApp, repoRoot, runCommand, type CommandResult } from '../../support/packed-package.js';

/** The consumer applications under examples/, and the NestJS major each one installs. */
export const EXAMPLE_APPS = [
  { name: 'nest11-commonjs', nest: 11 },
  { name: 'nest12-commonjs', nest: 12 },
  { name: 'esm-nodenext', nest: 12 },
] as const;

export type ExampleAppName = (typeof EXAMPLE_APPS)[number]['name'];

export const EXAMPLES_DIR = join(repoRoot, 'examples');

interface ExampleManifest {
  type: 'module' | 'commonjs';
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

export async function exampleManifest(name: string): Promise<ExampleManifest> {
  return JSON.parse(await readFile(join(EXAMPLES_DIR, name, 'package.json'), 'utf8')) as ExampleManifest;
}

/**
 * What one shared install for a NestJS major needs: the examples' dependencies, minus the package
 * itself (the packed tarball replaces it) and TypeScript (the repository's compiler is used).
 */
async function dependenciesOf(names: readonly string[]): Promise<Record<string, string>> {
  const sets = await Promise.all(
    names.map(async (name) => {
      const manifest = await exampleManifest(name);
      const all = { ...manifest.dependencies, ...manifest.devDependencies };
      delete all['nestjs-authing'];
      delete all.typescript;
      return all;
    }),
  );
  const [first, ...others] = sets;
  for (const [i, other] of others.entries()) {
    if (JSON.stringify(other) !== JSON.stringify(first)) {
      throw new Error(`examples ${names[0]} and ${names[i + 1]} must pin the same packages to share one install`);
    }
  }
  return first!;
}

export interface InstalledSet {
  nest: 11 | 12;
  dir: string;
}

/**
 * Installs, once per NestJS major, the packed tarball and the examples' dependencies into one
 * folder; each example app then lives in a subfolder of it (Node and TypeScript find the packages by
 * walking up), so the two NestJS 12 apps share one install. npm's cache serves repeated runs.
 * The NestJS 11 install runs with `engine-strict`: any package refusing this Node fails it.
 */
export async function installSet(nest: 11 | 12, root: string): Promise<InstalledSet> {
  const names = EXAMPLE_APPS.filter((a) => a.nest === nest).map((a) => a.name);
  const dir = join(root, `nest${nest}`);
  await createConsumerApp({
    dir,
    type: 'commonjs',
    dependencies: await dependenciesOf(names),
    files: nest === 11 ? { '.npmrc': 'engine-strict=true\n' } : {},
  });
  return { nest, dir };
}

/** Copies an example app (package.json, tsconfig.json, src/) into its installed set. */
export async function placeApp(set: InstalledSet, name: ExampleAppName): Promise<string> {
  const dir = join(set.dir, name);
  await cp(join(EXAMPLES_DIR, name), dir, {
    recursive: true,
    filter: (source) => !/(node_modules|dist)$/.test(source),
  });
  return dir;
}

const tscPath = join(repoRoot, 'node_modules/typescript/bin/tsc');

/** `tsc -p <project>` with the repository's TypeScript. */
export function tsc(project: string): Promise<CommandResult> {
  return runCommand(process.execPath, [tscPath, '-p', project], { cwd: project });
}

/**
 * Type-checks the documented SDK snippets (examples/snippets, tests aside) with the app's compiler
 * settings, so every subpath (`nestjs-authing/sdk`, `/testing`) resolves under that module setting.
 */
export async function checkSnippets(
  appDir: string,
  compilerOptions: Record<string, unknown> = {},
  name = 'tsconfig.snippets.json',
): Promise<CommandResult> {
  const target = join(appDir, 'snippets');
  const files = (await readdir(join(EXAMPLES_DIR, 'snippets'))).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  await cp(join(EXAMPLES_DIR, 'snippets'), target, { recursive: true, filter: (s) => !s.endsWith('.test.ts') });
  const config = join(appDir, name);
  await writeFile(
    config,
    JSON.stringify({
      extends: './tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: 'snippets', ...compilerOptions },
      include: [],
      files: files.map((f) => `snippets/${f}`),
    }),
  );
  return runCommand(process.execPath, [tscPath, '-p', config], { cwd: appDir });
}

/** A free TCP port on 127.0.0.1 (the redirect URIs need it before the app starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
