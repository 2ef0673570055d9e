import { createSampleApp } from './app.js';

/**
 * `npm start`: the sample on http://127.0.0.1:3000 (PORT and HOST to change it). Without
 * AUTHING_APP_ID it starts a local Authing emulator with a demo administrator and prints the
 * credentials; with the AUTHING_* variables it uses that Authing application.
 */
const port = process.env.PORT ? Number(process.env.PORT) : 3000;
const sample = await createSampleApp({ port, host: process.env.HOST || '127.0.0.1' });

const lines = [`nestjs-authing sample: open ${sample.url}`];
if (sample.emulator) lines.push(`Authing emulator: ${sample.emulator.appHost}`);
else lines.push('Authing: the application named by the AUTHING_* variables');
if (sample.demo) lines.push(`Demo administrator: ${sample.demo.email} / ${sample.demo.password}`);
lines.push('Stop with Ctrl+C.');
console.log(lines.join('\n'));

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
