#!/usr/bin/env node
// The Authing emulator's command line (`npm run emulator`, or `npx nestjs-authing-emulator` once
// installed). From a source checkout it runs lib/testing/cli.ts directly: ./ts-loader.js transpiles
// the TypeScript sources on the fly with the project's own `typescript`, so no build is needed. From
// an installed package (no sources) it runs the compiled dist/lib/testing/cli.js.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const source = new URL('../lib/testing/cli.ts', import.meta.url);
const built = new URL('../dist/lib/testing/cli.js', import.meta.url);

function typescriptAvailable() {
  try {
    import.meta.resolve('typescript');
    return true;
  } catch {
    return false;
  }
}

let entry = built;
if (existsSync(fileURLToPath(source)) && typescriptAvailable()) {
  register('./ts-loader.js', import.meta.url);
  entry = source;
}

try {
  const { runCli } = await import(entry.href);
  await runCli(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`nestjs-authing-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  const exitCode = error && typeof error === 'object' && Number.isInteger(error.exitCode) ? error.exitCode : 1;
  process.exit(exitCode);
}
