/**
 * Runs the emulator in its own process for the benchmarks, so the server's work does not share an
 * event loop with the client under test. Prints one JSON line with what the parent needs, then
 * answers `stats` on stdin with the request counters.
 */
import { createInterface } from 'node:readline';
import { AuthingEmulator } from '../lib/testing/index.js';

const seed = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof AuthingEmulator.start>[0];
const emulator = await AuthingEmulator.start({ port: 0, ...seed });
process.stdout.write(
  `${JSON.stringify({ appHost: emulator.appHost, host: emulator.host, app: emulator.app, accessKey: emulator.accessKey })}\n`,
);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'stats') process.stdout.write(`${JSON.stringify(emulator.requestCounts ?? {})}\n`);
  if (line === 'stop') void emulator.stop().then(() => process.exit(0));
});
