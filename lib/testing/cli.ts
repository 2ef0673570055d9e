import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AuthingEmulator, DEMO_USER } from './emulator.js';
import type { AuthingEmulatorOptions, EmulatorLogger, EmulatorSeed } from './types.js';

const USAGE = `Usage: nestjs-authing-emulator [options]

A local Authing-compatible server (hosted login, v3 API, management API) for development and tests.

Options:
  -p, --port <port>             port to listen on (default 8787; 0 picks a free one)
      --host <host>             interface to listen on (default 127.0.0.1)
      --public-origin <url>     origin to advertise when reached through another name (a proxy, or
                                http://127.0.0.1 for @authing/web, which refuses a port)
      --data-file <file>        keep the state in this JSON file (created if missing; the seed is
                                ignored if it exists)
      --seed <file>             JSON seed: { users, roles, groups, app, apps, accessKey }
      --app-name <name>         name of the main application on the login page (default "My App")
      --access-token-ttl <s>    access token lifetime in seconds (default 3600)
      --id-token-ttl <s>        id_token lifetime in seconds (default 3600)
      --refresh-token-ttl <s>   refresh token lifetime in seconds (default 2592000, 30 days)
      --lockout-attempts <n>    failed passwords/passcodes that lock an account (default 5; 0 disables)
      --lockout-window <s>      seconds the failures are counted in, and the lock lasts (default 300)
      --quiet                   do not log requests
  -h, --help                    show this help

Exit codes: 0 stopped by Ctrl+C or SIGTERM, 1 bad option or failure, 3 port already in use.`;

/** Runs the CLI; resolves with the started emulator (it keeps the process alive until stopped). */
export async function runCli(
  argv: string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<AuthingEmulator | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'public-origin': { type: 'string' },
      'data-file': { type: 'string' },
      seed: { type: 'string' },
      'app-name': { type: 'string' },
      'access-token-ttl': { type: 'string' },
      'id-token-ttl': { type: 'string' },
      'refresh-token-ttl': { type: 'string' },
      'lockout-attempts': { type: 'string' },
      'lockout-window': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    out(USAGE);
    return undefined;
  }
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: "${values.port}" is not a port number`);
  const attempts = optionalCount(values['lockout-attempts'], '--lockout-attempts');
  const window = optionalCount(values['lockout-window'], '--lockout-window');
  const lockout = attempts === 0 ? false : { maxAttempts: attempts, windowSeconds: window };
  const dataFile = values['data-file'] ? resolve(values['data-file']) : undefined;
  let seed = values.seed ? (JSON.parse(await readFile(values.seed, 'utf8')) as EmulatorSeed) : undefined;
  const appName = values['app-name'];
  if (appName !== undefined && appName.trim() === '') throw new Error('--app-name: must not be empty');
  if (appName !== undefined) seed = { ...seed, app: { ...seed?.app, appName } };
  const loadsState = dataFile !== undefined && existsSync(dataFile);

  const stamp = (): string => new Date().toISOString().slice(11, 23);
  const logger: EmulatorLogger = {
    info: (message) => {
      if (!values.quiet) out(`${stamp()} ${message}`);
    },
    warn: (message) => process.stderr.write(`${stamp()} WARN ${message}\n`),
    error: (message) => process.stderr.write(`${stamp()} ERROR ${message}\n`),
  };
  const emulator = await startOrExplain({
    port,
    host: values.host,
    publicOrigin: values['public-origin'],
    dataFile,
    seed,
    logger,
    lockout,
    accessTokenTtlSeconds: optionalSeconds(values['access-token-ttl'], '--access-token-ttl'),
    idTokenTtlSeconds: optionalSeconds(values['id-token-ttl'], '--id-token-ttl'),
    refreshTokenTtlSeconds: optionalSeconds(values['refresh-token-ttl'], '--refresh-token-ttl'),
  });

  // A data file keeps the app it was created with; an explicit --app-name still renames it.
  if (appName !== undefined && emulator.app.appName !== appName) emulator.updateApp(emulator.app.appId, { appName });
  const { app, accessKey } = emulator;
  const lines = [
    `Authing emulator listening on ${emulator.localOrigin}`,
    '',
    `  App host (AuthenticationClient appHost)  ${emulator.appHost}`,
    `  API host (ManagementClient host)         ${emulator.host}`,
    `  OIDC issuer                              ${emulator.issuer}`,
    `  Discovery                                ${emulator.issuer}/.well-known/openid-configuration`,
    '',
    `  Application   name                       ${app.appName}`,
    `                appId                      ${app.appId}`,
    `                appSecret                  ${app.appSecret}`,
    `                token endpoint auth        ${app.tokenEndpointAuthMethod}`,
    `                redirect URIs              ${app.redirectUris.join(', ')}`,
    `                logout redirect URIs       ${app.logoutRedirectUris.join(', ')}`,
    `  Access key    accessKeyId                ${accessKey.accessKeyId}`,
    `                accessKeySecret            ${accessKey.accessKeySecret}`,
  ];
  for (const extra of emulator.apps.slice(1)) {
    lines.push(`  More apps     ${extra.appId} (${extra.tokenEndpointAuthMethod}) secret ${extra.appSecret}`);
  }
  if (!loadsState && !seed?.users) {
    lines.push(`  Demo user     ${DEMO_USER.email} (or "${DEMO_USER.username}") / ${DEMO_USER.password}`);
  }
  const { accessToken, idToken, refreshToken } = emulator.tokenLifetimes;
  lines.push(`  Tokens        access ${accessToken} s, id_token ${idToken} s, refresh ${refreshToken} s`);
  lines.push(`  Users         ${emulator.users.length}`);
  lines.push(`  Data file     ${dataFile ?? 'none (state is kept in memory only)'}`);
  lines.push('');
  lines.push('Local development only: these credentials are printed on purpose. Press Ctrl+C to stop.');
  for (const line of lines) out(line);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    out(`\n${signal}: stopping…`);
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`could not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return emulator;
}

/** A positive number of seconds, or undefined when not given. */
function optionalSeconds(value: string | undefined, name: string): number | undefined {
  const n = optionalCount(value, name);
  if (n === 0) throw new Error(`${name}: must be at least 1 second`);
  return n;
}

/** A non-negative integer option, or undefined when not given. */
function optionalCount(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new Error(`${name}: "${value}" is not a whole number`);
  return n;
}

/** An error the CLI reports as one line, exiting with {@link exitCode}. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit code when the port is taken: scripts can tell it from other failures (1). */
export const EXIT_PORT_IN_USE = 3;

async function startOrExplain(options: AuthingEmulatorOptions): Promise<AuthingEmulator> {
  try {
    return await AuthingEmulator.start(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${options.host ?? '127.0.0.1'}:${options.port}`;
    if (code === 'EADDRINUSE') {
      throw new CliError(
        `port ${options.port} is already in use on ${options.host ?? '127.0.0.1'} (another emulator?): stop it, or pick another port with --port <port> (0 picks a free one)`,
        EXIT_PORT_IN_USE,
      );
    }
    if (code === 'EACCES') {
      throw new CliError(`not allowed to listen on ${where}: ports below 1024 need privileges`, 1);
    }
    if (code === 'EADDRNOTAVAIL') {
      throw new CliError(`cannot listen on ${where}: no such local address (--host)`, 1);
    }
    throw error;
  }
}
