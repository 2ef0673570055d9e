/**
 * The line protocol of a benchmark app process (see `startWorker`): after the app's origin, one JSON
 * line answers each command. `cpu`: the process's user+system CPU time in µs, so a route's cost can
 * be given per request. `stop`: closes the app and exits.
 */
import { createInterface } from 'node:readline';

export function serveAppCommands(origin: string, app: { close(): Promise<unknown> }): void {
  const answer = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
  answer({ origin });
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'cpu') {
      const { user, system } = process.cpuUsage();
      answer(user + system);
    }
    if (line === 'stop') void app.close().then(() => process.exit(0));
  });
}
