import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { checkFile, documentationFiles, root, typescriptBlocks } from '../../scripts/doc-snippets.mjs';
import { runCommand } from '../support/packed-package.js';

/**
 * The TypeScript users copy from the README and docs/ is the code CI compiles: every block includes
 * a file under examples/ and matches it byte for byte; those files type-check against the sources
 * here, and against the packed package in test/consumer/example-apps.test.ts.
 */
describe('documentation snippets', () => {
  test('the README, its Chinese edition and every docs/ page are found', () => {
    const names = documentationFiles().map((f) => f.slice(root.length + 1));
    expect(names).toEqual(
      expect.arrayContaining(['README.md', 'README.zh-CN.md', 'docs/sdk.md', 'docs/nest-module.md']),
    );
  });

  test('every TypeScript block includes a file under examples/ and matches it', () => {
    expect(documentationFiles().flatMap((file) => checkFile(file))).toEqual([]);
  });

  test('the check notices a block that drifted from its file and a block with no file', () => {
    const text =
      '<!-- include: examples/snippets/management.ts -->\n\n```ts\nold code\n```\n\n```ts\nlet x = 1;\n```\n';
    const blocks = typescriptBlocks(text);
    expect(blocks.map((b) => [b.line, b.include, b.code])).toEqual([
      [4, 'examples/snippets/management.ts', 'old code\n'],
      [8, undefined, 'let x = 1;\n'],
    ]);
  });

  test('the README and the Chinese README show the same quick-start files', async () => {
    const includes = async (file: string) =>
      typescriptBlocks(await readFile(join(root, file), 'utf8')).map((b) => b.include);
    expect(await includes('README.zh-CN.md')).toEqual(await includes('README.md'));
  });

  test('the README is a five-minute read: under 400 lines and 40 KB, no line over 200 characters', async () => {
    const text = await readFile(join(root, 'README.md'), 'utf8');
    expect(text.split('\n').length).toBeLessThan(400);
    expect(Buffer.byteLength(text)).toBeLessThan(40 * 1024);
    expect(text.split('\n').filter((line) => line.length > 200)).toEqual([]);
  });

  test('every relative link of the README and docs/ reaches a file, and its #anchor a heading there', async () => {
    const slug = (heading: string) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-');
    const anchorsOf = async (file: string) =>
      new Set(
        (await readFile(file, 'utf8'))
          .split('\n')
          .filter((line) => /^#{1,6} /.test(line))
          .map((line) => slug(line.replace(/^#+ /, ''))),
      );
    const broken: string[] = [];
    for (const file of documentationFiles()) {
      const text = (await readFile(file, 'utf8')).replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue;
        const [path, anchor] = target!.split('#');
        const resolved = path ? join(dirname(file), path) : file;
        const name = `${relative(root, file)} → ${target}`;
        if (!existsSync(resolved)) broken.push(`${name}: no such file`);
        else if (anchor && resolved.endsWith('.md') && !(await anchorsOf(resolved)).has(anchor)) {
          broken.push(`${name}: no such heading`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  test('the three example apps run the very same quick-start sources', async () => {
    const sources = async (app: string) => {
      const dir = join(root, 'examples', app, 'src');
      const files = (await readdir(dir)).sort();
      return Promise.all(files.map(async (f) => [f, await readFile(join(dir, f), 'utf8')]));
    };
    const reference = await sources('nest11-commonjs');
    expect(reference.map(([f]) => f)).toEqual(['api.controller.ts', 'app.module.ts', 'auth.controller.ts', 'main.ts']);
    expect(await sources('nest12-commonjs')).toEqual(reference);
    expect(await sources('esm-nodenext')).toEqual(reference);
  });

  test('the snippets and the quick start type-check against the sources (tsc -p examples)', async () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await runCommand(process.execPath, [tsc, '-p', 'examples'], { cwd: root });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);
});
