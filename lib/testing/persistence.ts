import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** The file-system calls {@link writeJsonAtomic} makes; replaceable so tests can simulate a crash. */
export interface AtomicFs {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  rm: typeof fsp.rm;
}

const nodeFs: AtomicFs = { open: fsp.open, rename: fsp.rename, rm: fsp.rm };

/**
 * Writes `value` as JSON so that `file` always holds either the previous or the new complete content:
 * write a temporary file in the same directory, fsync it, rename it over the target (atomic on POSIX
 * and NTFS), then fsync the directory so the rename itself survives a power loss. On failure the
 * temporary file is removed and the target is left untouched.
 */
export async function writeJsonAtomic(file: string, value: unknown, fs: AtomicFs = nodeFs): Promise<void> {
  const dir = dirname(file);
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  try {
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Reads a JSON file; undefined when it does not exist. Throws on invalid JSON (a corrupt file is an error). */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as unknown;
}
