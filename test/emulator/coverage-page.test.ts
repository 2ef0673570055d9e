import { readFile } from 'node:fs/promises';
import { emulatorCoverage, renderCoverage } from '../../lib/testing/coverage.js';

/** docs/emulator-coverage.md is generated; it must say what the emulator serves today. */
describe('emulator coverage page', () => {
  it('is up to date (run `npm run coverage:emulator` after changing the routes)', async () => {
    const page = await readFile(new URL('../../docs/emulator-coverage.md', import.meta.url), 'utf8');
    expect(page).toBe(renderCoverage());
  });

  it('lists every catalogue entry once, and the served ones really are routes', () => {
    const { management, authentication } = emulatorCoverage();
    expect(management).toHaveLength(496);
    expect(authentication).toHaveLength(121);
    expect(new Set(management.map((e) => e.name)).size).toBe(496);
    expect(management.filter((e) => e.served).length).toBeGreaterThanOrEqual(300);
    expect(authentication.filter((e) => e.served).length).toBeGreaterThanOrEqual(80);
  });

  it('says why each end-user entry left unserved stays 9404', () => {
    const page = renderCoverage();
    const section = page.slice(page.indexOf('## Authentication API'));
    const unserved = section.split('\n').filter((line) => line.includes('no: answers apiCode 9404'));
    expect(unserved.length).toBeGreaterThan(0);
    for (const line of unserved) expect(line).toMatch(/9404 \(.+\) \|$/);
  });
});
