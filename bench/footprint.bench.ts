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

async function importMs(dir: string, specifier: string, kind: 'import' | 'require'): Promise<number> {
  const code =
    kind === 'import'
      ? `const t=performance.now();await import(${JSON.stringify(specifier)});console.log(performance.now()-t)`
      : `const t=performance.now();require(${JSON.stringify(specifier)});console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const args = kind === 'import' ? ['--input-type=module', '-e', code] : ['-e', code];
    times.push(Number(await run(process.execPath, args, { cwd: dir })));
  }
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
    // The main entry re-exports the Nest layer, so it is measured where NestJS is installed.
    const oursMain = await importMs(ROOT, path.join(ROOT, 'dist/lib/index.js'), 'import');
    const nestAlone = await importMs(ROOT, '@nestjs/common', 'import');
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
        ['load time of the main entry, with NestJS', `${fmt(oursMain, 1)} ms`, '', ''],
        ['load time of @nestjs/common alone (baseline)', `${fmt(nestAlone, 1)} ms`, '', ''],
      ],
      notes: [
        'Each package is installed alone into an empty folder with `npm install --omit=dev --omit=peer`; ours from the tarball `npm pack` makes.',
        'Our NestJS, Passport and oidc-provider dependencies are optional peers: an SDK-only user installs only jose and undici.',
      ],
      targets: [
        { target: 'installed size smaller than the official SDK', met: ours.bytes < official.bytes },
        { target: 'fewer packages than the official SDK', met: ours.packages < official.packages },
        { target: 'main entry loads in under 100 ms', met: oursMain < 100 },
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
