import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fmt, ROOT, run, type BenchSection } from './util.js';

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await dirSize(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}

/** Installs `spec` alone into a fresh folder and measures what a user gets. */
async function install(spec: string): Promise<{ dir: string; bytes: number; packages: number }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'nestjs-authing-footprint-'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'footprint', private: true }));
  await run('npm', ['install', '--omit=dev', '--omit=peer', '--no-audit', '--no-fund', spec], { cwd: dir });
  const list = await run('npm', ['ls', '--all', '--parseable', '--omit=dev'], { cwd: dir }).catch(
    (e: Error) => e.message,
  );
  const packages = list.split('\n').filter((l) => l.includes('node_modules')).length;
  return { dir, bytes: await dirSize(path.join(dir, 'node_modules')), packages };
}

/** Median time to load `specifier` in a fresh process, after `preload` (not timed) when given. */
async function importMs(
  dir: string,
  specifier: string,
  kind: 'import' | 'require',
  preload: string[] = [],
): Promise<number> {
  const before = preload.map((p) => `await import(${JSON.stringify(p)});`).join('');
  const code =
    kind === 'import'
      ? `${before}const t=performance.now();await import(${JSON.stringify(specifier)});console.log(performance.now()-t)`
      : `const t=performance.now();require(${JSON.stringify(specifier)});console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const args = kind === 'import' ? ['--input-type=module', '-e', code] : ['-e', code];
    times.push(Number(await run(process.execPath, args, { cwd: dir })));
  }
  times.sort((a, b) => a - b);
  return times[3] ?? 0;
}

async function importAllMs(dir: string, specifiers: string[]): Promise<number> {
  const code = `const t=performance.now();${specifiers.map((p) => `await import(${JSON.stringify(p)});`).join('')}console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < 7; i++)
    times.push(Number(await run(process.execPath, ['--input-type=module', '-e', code], { cwd: dir })));
  times.sort((a, b) => a - b);
  return times[3] ?? 0;
}

/**
 * Installed size and runtime dependency count of our packed package against the official SDK, each
 * installed alone into an empty folder, and the median time to load each entry point.
 */
export async function footprintBench(): Promise<BenchSection> {
  await run('npm', ['run', 'build']);
  const packed = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', tmpdir()])) as {
    filename: string;
  }[];
  const tarball = path.join(tmpdir(), packed[0]!.filename);
  const ours = await install(tarball);
  const official = await install('authing-node-sdk@4.0.1');
  try {
    const oursSdk = await importMs(ours.dir, 'nestjs-authing/sdk', 'import');
    const officialMs = await importMs(official.dir, 'authing-node-sdk', 'require');
    // The main entry re-exports the Nest layer, so it is measured where NestJS is installed: cold, and
    // on top of the NestJS packages a Nest application has loaded anyway (what we add to its start).
    const mainEntry = path.join(ROOT, 'dist/lib/index.js');
    const oursMain = await importMs(ROOT, mainEntry, 'import');
    const peers = ['@nestjs/common', '@nestjs/core', '@nestjs/passport', 'passport-openidconnect'];
    const nestAlone = await importAllMs(ROOT, peers);
    const oursOnTop = await importMs(ROOT, mainEntry, 'import', peers);
    return {
      title: 'Footprint',
      rows: [
        ['', 'nestjs-authing', 'authing-node-sdk@4.0.1', 'ours / official'],
        [
          'installed size (alone, production)',
          `${fmt(ours.bytes / 1024)} KiB`,
          `${fmt(official.bytes / 1024)} KiB`,
          fmt(ours.bytes / official.bytes, 2),
        ],
        [
          'packages installed',
          String(ours.packages),
          String(official.packages),
          fmt(ours.packages / official.packages, 2),
        ],
        [
          'load time of the SDK entry (median of 7)',
          `${fmt(oursSdk, 1)} ms`,
          `${fmt(officialMs, 1)} ms`,
          fmt(oursSdk / officialMs, 2),
        ],
        ['load time of the main entry (Nest layer), cold, NestJS included', `${fmt(oursMain, 1)} ms`, '', ''],
        ['load time of the NestJS packages it builds on, alone (baseline)', `${fmt(nestAlone, 1)} ms`, '', ''],
        [
          'load time our main entry adds once NestJS is loaded (ratio: to the NestJS packages alone)',
          `${fmt(oursOnTop, 1)} ms`,
          '',
          fmt(oursOnTop / nestAlone, 2),
        ],
      ],
      notes: [
        'Each package is installed alone into an empty folder with `npm install --omit=dev --omit=peer`; ours from the tarball `npm pack` makes.',
        'Our NestJS, Passport and oidc-provider dependencies are optional peers: an SDK-only user installs only jose and undici.',
        'A main entry that re-exports NestJS decorators cannot load faster than @nestjs/common itself; what we control is what the package adds on top, measured after the NestJS packages are loaded and rated against their own load time in the same run (load times on this shared host vary by a third between runs). jose and undici are loaded on first use, not at import.',
      ],
      targets: [
        { target: 'installed size smaller than the official SDK', met: ours.bytes < official.bytes },
        { target: 'fewer packages than the official SDK', met: ours.packages < official.packages },
        { target: 'SDK entry loads in under half the official SDK’s time', met: oursSdk < 0.5 * officialMs },
        {
          target: 'the main entry adds under a quarter of the NestJS packages’ own load time',
          met: oursOnTop < 0.25 * nestAlone,
        },
      ],
    };
  } finally {
    await Promise.all([
      rm(ours.dir, { recursive: true, force: true }),
      rm(official.dir, { recursive: true, force: true }),
    ]);
    await rm(tarball, { force: true });
  }
}
