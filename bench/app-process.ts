/**
 * Runs the benchmark's NestJS app in its own process (pinned to its own core by the parent),
 * answering the commands of `app-commands.ts`.
 */
import { startBenchApp, type BenchAppConfig } from './nest-apps.js';
import { serveAppCommands } from './app-commands.js';

const config = JSON.parse(process.argv[2] ?? '{}') as BenchAppConfig;
const { app, origin } = await startBenchApp(config);
serveAppCommands(origin, app);
