// The public API reports: one per package entry (`.`, `./sdk`, `./testing`, `./passport`), written by API
// Extractor from the built .d.ts files into etc/api/. `--check` (CI) fails when the public surface
// differs from the committed report, so any change to it shows up as a diff in review;
// without it the reports are rewritten (`npm run api:update`). Run after `npm run build`.
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { fileURLToPath } from 'node:url';

const CONFIG = fileURLToPath(new URL('../etc/api-extractor.json', import.meta.url));
const ENTRIES = [
  { name: 'nestjs-authing', types: 'dist/lib/index.d.ts' },
  { name: 'nestjs-authing-sdk', types: 'dist/lib/sdk/index.d.ts' },
  { name: 'nestjs-authing-testing', types: 'dist/lib/testing/index.d.ts' },
  { name: 'nestjs-authing-passport', types: 'dist/lib/passport/index.d.ts' },
];
const check = process.argv.includes('--check');

let failed = false;
for (const entry of ENTRIES) {
  const base = ExtractorConfig.loadFile(CONFIG);
  base.mainEntryPointFilePath = `<projectFolder>/${entry.types}`;
  base.apiReport = { ...base.apiReport, reportFileName: entry.name };
  const config = ExtractorConfig.prepare({
    configObject: base,
    configObjectFullPath: CONFIG,
    packageJsonFullPath: fileURLToPath(new URL('../package.json', import.meta.url)),
  });
  const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false });
  if (check && result.apiReportChanged) {
    console.error(`${entry.name}: the public API differs from etc/api/${entry.name}.api.md; run npm run api:update`);
    failed = true;
  } else if (!result.succeeded) {
    console.error(`${entry.name}: API Extractor failed (${result.errorCount} errors)`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
