// Writes docs/emulator-coverage.md from the SDK catalogue and the emulator's route tables.
// `npm run coverage:emulator`; test/emulator/coverage-page.test.ts fails when the page is stale.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside the project so that the bundle's external packages resolve from its node_modules.
const cache = join(root, 'node_modules/.cache');
await mkdir(cache, { recursive: true });
const dir = await mkdtemp(join(cache, 'emulator-coverage-'));
try {
  const outfile = join(dir, 'coverage.mjs');
  // Bundled for this run only; packages stay external and resolve from the project.
  await build({
    entryPoints: [join(root, 'lib/testing/coverage.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'error',
    absWorkingDir: root,
  });
  const { renderCoverage } = await import(pathToFileURL(outfile).href);
  const target = join(root, 'docs/emulator-coverage.md');
  await writeFile(target, renderCoverage());
  console.log(`wrote ${target}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
