/**
 * Debian's Chromium (`apt-get install chromium`) driven by playwright-core, which never downloads a
 * browser, with the flags this closed machine needs: headless as root, and no background
 * connections (they are refused here, many at a time).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launch options for `chromium.launch()` and `launchPersistentContext()`. */
export const CHROMIUM_OPTIONS = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/** A browser with a fresh profile of its own (cookie jar, storage); `close()` also deletes it. */
export interface ChromiumProfile {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchProfile(name: string): Promise<ChromiumProfile> {
  const dir = await mkdtemp(join(tmpdir(), `authing-${name}-`));
  const context = await chromium.launchPersistentContext(dir, CHROMIUM_OPTIONS);
  return {
    context,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
