import type { SampleApp } from './app.js';

/** Quotes a value for a POSIX shell (single quotes). */
function sh(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * What `npm start` prints: where to go, the demo login, and, with the embedded emulator, how to call
 * the bearer API (a ready curl line with a demo access token, and the sign-in request that gets one
 * for any user). The embedded emulator is a local development tool: its credentials are printed on
 * purpose, as its command line does.
 */
export async function startBanner(sample: SampleApp): Promise<string> {
  const lines = [`nestjs-authing sample: open ${sample.url}`];
  const emulator = sample.emulator;
  if (!emulator) {
    lines.push('Authing: the application named by the AUTHING_* variables', 'Stop with Ctrl+C.');
    return lines.join('\n');
  }
  lines.push(`Authing emulator: ${emulator.appHost}`);
  if (sample.demo) {
    const { access_token } = await emulator.issueTokens({ user: sample.demo.email });
    const signIn = {
      connection: 'PASSWORD',
      passwordPayload: { email: sample.demo.email, password: sample.demo.password },
      client_id: emulator.app.appId,
      client_secret: emulator.app.appSecret,
    };
    lines.push(
      `Demo administrator: ${sample.demo.email} / ${sample.demo.password}`,
      '',
      'Bearer API with an access token of the demo administrator (valid for an hour):',
      `  curl -H ${sh(`Authorization: Bearer ${access_token}`)} ${sample.url}/api/me`,
      'A token for any user: POST /api/v3/signin, then use data.access_token:',
      `  curl -X POST -H 'Content-Type: application/json' -d ${sh(JSON.stringify(signIn))} ${emulator.appHost}/api/v3/signin`,
      '',
    );
  }
  // The two tenants (see sample/tenants.ts): each its own application, login and API under /t/<name>.
  const members = sample.demo ? ' (the demo administrator is a member of both)' : '';
  lines.push(`Tenants: ${sample.url}/t/acme and ${sample.url}/t/globex${members}`);
  lines.push('Stop with Ctrl+C.');
  return lines.join('\n');
}

/** A start-up failure in one friendly line where we know the cause (a busy port), else undefined. */
export function describeStartFailure(error: unknown, port: number, host: string): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    return (
      `Port ${port} on ${host} is already in use (another copy of the sample, or another server). ` +
      `Stop that program, or start the sample on another port: PORT=${port + 1} npm start`
    );
  }
  if (code === 'EACCES')
    return `Not allowed to listen on port ${port} on ${host}: choose a port above 1023 with PORT=.`;
  return undefined;
}
