import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const generator = join(process.cwd(), 'scripts', 'generate-catalogue.mjs');
const catalogue = join(process.cwd(), 'lib', 'sdk', 'catalogue');

/** Runs the generator and resolves with its exit code and output, whatever the code. */
async function generate(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [generator, ...args]);
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('generated endpoint catalogue', () => {
  it('is what the committed endpoint list generates', async () => {
    const { code, out } = await generate('--check');
    expect(out).toContain('catalogue is current');
    expect(code).toBe(0);
  });

  it('names a generated file that was edited by hand', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
    try {
      for (const name of readdirSync(catalogue)) copyFileSync(join(catalogue, name), join(dir, name));
      const edited = join(dir, 'management.catalogue.ts');
      writeFileSync(edited, readFileSync(edited, 'utf8').replace("'/api/v3/list-users'", "'/api/v3/list-userz'"));
      const { code, out } = await generate('--check', '--out', dir);
      expect(code).toBe(1);
      expect(out).toContain('not current: management.catalogue.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
