/**
 * Runs the benchmark's NestJS app in its own process (pinned to its own core by the parent), and
 * reports the CPU time it has used, so a route's cost can be given per request.
 */
import { createInterface } from 'node:readline';
import { startBenchApp, type BenchAppConfig } from './nest-apps.js';

const config = JSON.parse(process.argv[2] ?? '{}') as BenchAppConfig;
const { app, origin } = await startBenchApp(config);
process.stdout.write(`${JSON.stringify({ origin })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify(user + system)}\n`);
  }
  if (line === 'stop') void app.close().then(() => process.exit(0));
});
