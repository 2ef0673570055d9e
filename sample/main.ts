import { createSampleApp } from './app.js';
import { describeStartFailure, startBanner } from './banner.js';

/**
 * `npm start`: the sample on http://127.0.0.1:3000 (PORT and HOST to change it). Without
 * AUTHING_APP_ID it starts a local Authing emulator with a demo administrator and prints the
 * credentials and a ready curl line for the bearer API; with the AUTHING_* variables it uses that
 * Authing application.
 */
const port = process.env.PORT ? Number(process.env.PORT) : 3000;
const host = process.env.HOST || '127.0.0.1';

const sample = await createSampleApp({ port, host }).catch((error: unknown) => {
  const friendly = describeStartFailure(error, port, host);
  console.error(friendly ?? error);
  process.exit(1);
});
console.log(await startBanner(sample));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    sample.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
