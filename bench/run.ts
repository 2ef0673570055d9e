import { cpus, totalmem } from 'node:os';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { footprintBench } from './footprint.bench.js';
import { guardBenches } from './guard.bench.js';
import { authorizationBench } from './authorization.bench.js';
import { loadBench } from './load.bench.js';
import { managementBench } from './management.bench.js';
import { scaleBench } from './scale.bench.js';
import { tenancyBench } from './tenancy.bench.js';
import { tokenVerificationBench } from './token-verification.bench.js';
import { benchUsage, parseBenchArgs } from './args.js';
import { ROOT, type BenchSection } from './util.js';

const BENCHES: Record<string, () => Promise<BenchSection | BenchSection[]>> = {
  guard: guardBenches,
  management: () => managementBench(),
  'token-verification': tokenVerificationBench,
  footprint: footprintBench,
  load: loadBench,
  scale: scaleBench,
  authorization: authorizationBench,
  tenancy: tenancyBench,
};

function table(rows: string[][]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function render(section: BenchSection): string {
  const parts = [`## ${section.title}`, '', table(section.rows)];
  if (section.targets.length > 0) {
    parts.push('', ...section.targets.map((t) => `- ${t.met ? '✅' : '❌'} target: ${t.target}`));
  }
  if (section.notes.length > 0) parts.push('', ...section.notes.map((n) => `${n}`));
  return parts.join('\n');
}

async function main(): Promise<void> {
  const request = parseBenchArgs(process.argv.slice(2), Object.keys(BENCHES));
  if (request.kind === 'help') {
    process.stdout.write(`${benchUsage(Object.keys(BENCHES))}\n`);
    return;
  }
  if (request.kind === 'error') {
    process.stderr.write(`bench: ${request.message}\n`);
    process.exitCode = 2;
    return;
  }
  const sections: string[] = [];
  for (const name of request.names) {
    const bench = BENCHES[name]!;
    process.stdout.write(`running ${name}…\n`);
    const result = await bench();
    for (const section of Array.isArray(result) ? result : [result]) {
      const text = render(section);
      process.stdout.write(`\n${text}\n\n`);
      sections.push(text);
    }
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}.`,
    'Every figure is a ratio against a baseline measured in the same run; HTTP load comes from a separate load-generator process on 127.0.0.1.',
    '',
  ].join('\n');
  if (request.all) await writeFile(path.join(ROOT, 'BENCHMARKS.md'), `${header}\n${sections.join('\n\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
