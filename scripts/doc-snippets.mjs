// Keeps the TypeScript in the docs identical to the files under examples/, which CI compiles.
// A block is written as
//   <!-- include: examples/snippets/management.ts -->  (Prettier may add a blank line after it)
//   ```ts
//   …the file's content…
//   ```
// `node scripts/doc-snippets.mjs` rewrites every such block from its file; `--check` only reports
// blocks that differ and ```ts blocks that name no file (test/docs/snippets.test.ts runs the check).
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** README.md, README.zh-CN.md and docs/*.md. */
export function documentationFiles() {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(root, 'docs', f))
    : [];
  return [join(root, 'README.md'), join(root, 'README.zh-CN.md'), ...docs].filter((f) => existsSync(f));
}

const BLOCK = /(<!-- include: ([^\s]+) -->\n\n?)?```(ts|typescript|tsx)\n([\s\S]*?)```/g;

/** Every TypeScript block of a Markdown text: its line, the file it includes (if any), its code. */
export function typescriptBlocks(text) {
  const blocks = [];
  for (const m of text.matchAll(BLOCK)) {
    const line = text.slice(0, m.index + (m[1]?.length ?? 0)).split('\n').length + 1;
    blocks.push({
      line,
      include: m[2],
      code: m[4],
      start: m.index,
      end: m.index + m[0].length,
      marker: m[1] ?? '',
      lang: m[3],
    });
  }
  return blocks;
}

/** Problems of one Markdown file: blocks without an include, includes that differ or are missing. */
export function checkFile(path) {
  const text = readFileSync(path, 'utf8');
  const name = relative(root, path);
  const problems = [];
  for (const block of typescriptBlocks(text)) {
    if (!block.include) {
      problems.push(
        `${name}:${block.line}: a TypeScript block without <!-- include: examples/… --> (put the code in examples/ so CI compiles it)`,
      );
      continue;
    }
    const file = join(root, block.include);
    if (!existsSync(file)) problems.push(`${name}:${block.line}: includes ${block.include}, which does not exist`);
    else if (readFileSync(file, 'utf8') !== block.code) {
      problems.push(`${name}:${block.line}: differs from ${block.include} (run node scripts/doc-snippets.mjs)`);
    }
  }
  return problems;
}

function syncFile(path) {
  let text = readFileSync(path, 'utf8');
  for (const block of typescriptBlocks(text).reverse()) {
    if (!block.include) continue;
    const code = readFileSync(join(root, block.include), 'utf8');
    text = `${text.slice(0, block.start)}${block.marker}\`\`\`${block.lang}\n${code}\`\`\`${text.slice(block.end)}`;
  }
  writeFileSync(path, text);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = documentationFiles();
  if (!process.argv.includes('--check')) files.forEach(syncFile);
  const problems = files.flatMap(checkFile);
  for (const p of problems) console.error(p);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
