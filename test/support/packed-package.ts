/**
 * The package as users install it: `packedPackage()` builds and `npm pack`s this repository once per
 * content (cached in the OS temp dir by a hash of everything that goes into the tarball), and
 * `createConsumerApp()` makes a throw-away application that installs that tarball with npm, so a
 * test compiles and runs code against `nestjs-authing` exactly as a user's app resolves it.
 *
 * Safe for jest workers running at once: one worker builds while the others wait on a lock
 * directory (`mkdir` is atomic); the build happens in a private staging dir (never the repo's own
 * `dist/`) and the tarball is published by an atomic `rename`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/support/packed-package.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const cacheRoot = join(tmpdir(), 'nestjs-authing-packed');
/** A lock older than this belongs to a crashed run and is taken over. */
const staleLockMs = 5 * 60_000;

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; never throws on a non-zero exit (the caller asserts on `code`). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 240_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

function mustSucceed(what: string, result: CommandResult): CommandResult {
  if (result.code !== 0) {
    throw new Error(`${what} failed (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

interface PackageJson {
  name: string;
  version: string;
  files?: string[];
}

function readPackageJson(): PackageJson {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
}

/**
 * What goes into the tarball apart from the compiled `dist/`: the `files` entries that are not
 * build output, plus the files npm always includes.
 */
function shippedSources(pkg: PackageJson): string[] {
  const fromFiles = (pkg.files ?? []).filter((entry) => !entry.startsWith('dist'));
  const always = readdirSync(repoRoot).filter((name) => /^(readme|license|licence|changelog)/i.test(name));
  return [...new Set([...fromFiles, ...always])].filter((entry) => existsSync(join(repoRoot, entry)));
}

function listFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => listFiles(join(path, name)));
}

/** A hash of every input of the tarball: sources compiled into dist, shipped files, build config. */
function contentHash(pkg: PackageJson): string {
  const inputs = ['lib', 'package.json', 'tsconfig.json', 'tsconfig.build.json', ...shippedSources(pkg)];
  const hash = createHash('sha256');
  for (const file of [...new Set(inputs.flatMap((entry) => listFiles(join(repoRoot, entry))))].sort()) {
    hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function buildTarball(pkg: PackageJson, target: string): Promise<void> {
  const staging = await mkdtemp(join(cacheRoot, 'stage-'));
  try {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    mustSucceed(
      'tsc -p tsconfig.build.json',
      await runCommand(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', join(staging, 'dist')], {
        cwd: repoRoot,
      }),
    );
    for (const entry of ['package.json', ...shippedSources(pkg)]) {
      await cp(join(repoRoot, entry), join(staging, entry), { recursive: true });
    }
    const packed = mustSucceed(
      'npm pack',
      await runCommand('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', staging], {
        cwd: staging,
      }),
    );
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    // Publish atomically: readers see either no tarball or a complete one.
    await rename(join(staging, filename), target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

let memo: Promise<string> | undefined;

/**
 * The absolute path of this repository's package as `npm pack` makes it, built at most once per
 * content across all concurrent test workers. The first call may take a minute (a full `tsc`).
 */
export function packedPackage(): Promise<string> {
  memo ??= (async () => {
    const pkg = readPackageJson();
    await mkdir(cacheRoot, { recursive: true });
    const hash = contentHash(pkg);
    const target = join(cacheRoot, `${pkg.name}-${pkg.version}-${hash}.tgz`);
    const lock = `${target}.lock`;
    for (;;) {
      if (existsSync(target)) return target;
      try {
        await mkdir(lock);
      } catch {
        const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
        if (age > staleLockMs) await rm(lock, { recursive: true, force: true });
        else await sleep(500);
        continue;
      }
      try {
        if (!existsSync(target)) await buildTarball(pkg, target);
        return target;
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    }
  })();
  memo.catch(() => (memo = undefined));
  return memo;
}

/** The version of a package installed in this repository, so a consumer app installs the same one. */
export function repoVersionOf(name: string): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

export interface ConsumerAppOptions {
  /** Where to create the app; default a fresh temp dir. */
  dir?: string;
  /**
   * Dependencies besides `nestjs-authing` (always the packed tarball). A name alone installs the
   * version this repository uses (so npm's cache usually serves it offline); a record pins versions.
   */
  dependencies?: readonly string[] | Record<string, string>;
  /** Files to write, by path relative to the app (directories are created). */
  files?: Record<string, string>;
  /** tsconfig.json's content; none is written when absent. */
  tsconfig?: Record<string, unknown>;
  /** package.json `type`; default `module`. */
  type?: 'module' | 'commonjs';
}

export interface ConsumerApp {
  dir: string;
  /** Compiles the app with this repository's TypeScript (`tsc -p <dir>`). */
  tsc(extraArgs?: readonly string[]): Promise<CommandResult>;
  /** Runs `node <script>` in the app to completion. */
  node(script: string, args?: readonly string[], env?: NodeJS.ProcessEnv): Promise<CommandResult>;
  /** Starts `node <script>` in the app and leaves it running (servers); the caller kills it. */
  spawnNode(script: string, args?: readonly string[], env?: NodeJS.ProcessEnv): ChildProcess;
  /** The packages npm installed at the top of node_modules (scoped ones as `@scope/name`). */
  installedPackages(): Promise<string[]>;
  /** Deletes the app's directory. */
  remove(): Promise<void>;
}

/**
 * Creates an application that depends on the packed `nestjs-authing` plus the given dependencies,
 * writes its files and runs `npm install` (cache first, no audit/fund noise).
 */
export async function createConsumerApp(options: ConsumerAppOptions = {}): Promise<ConsumerApp> {
  const tarball = await packedPackage();
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'authing-consumer-')));
  await mkdir(dir, { recursive: true });
  const deps = Array.isArray(options.dependencies)
    ? Object.fromEntries((options.dependencies as string[]).map((name) => [name, repoVersionOf(name)]))
    : { ...(options.dependencies as Record<string, string> | undefined) };
  const manifest = {
    name: 'authing-consumer-app',
    version: '0.0.0',
    private: true,
    type: options.type ?? 'module',
    dependencies: { ...deps, 'nestjs-authing': `file:${tarball}` },
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (options.tsconfig) await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(options.tsconfig, null, 2));
  for (const [path, content] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  mustSucceed(
    'npm install',
    await runCommand('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
    }),
  );
  const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
  return {
    dir,
    tsc: (extraArgs = []) => runCommand(process.execPath, [tsc, '-p', dir, ...extraArgs], { cwd: dir }),
    node: (script, args = [], env) => runCommand(process.execPath, [script, ...args], { cwd: dir, env }),
    spawnNode: (script, args = [], env) =>
      spawn(process.execPath, [script, ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: 'pipe' }),
    installedPackages: async () => {
      const top = await readdir(join(dir, 'node_modules'));
      const scoped = await Promise.all(
        top
          .filter((name) => name.startsWith('@'))
          .map(async (scope) => (await readdir(join(dir, 'node_modules', scope))).map((n) => `${scope}/${n}`)),
      );
      return [...top.filter((name) => !name.startsWith('@') && !name.startsWith('.')), ...scoped.flat()].sort();
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
