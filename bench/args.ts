/** What `npm run bench -- <args>` asked for: the usage text, some benchmarks by name, or a mistake. */
export type BenchRequest =
  { kind: 'help' } | { kind: 'run'; names: string[]; all: boolean } | { kind: 'error'; message: string };

/** One line per benchmark, in the order they run by default. */
export const BENCH_DESCRIPTIONS: Readonly<Record<string, string>> = {
  guard: 'AuthingGuard and the per-request AuthenticationClient against a bare Nest route',
  management: 'ManagementClient listUsers calls against the official authing-node-sdk, on the emulator',
  'token-verification': 'verifyAccessToken, first sight and cached, against jose.jwtVerify',
  footprint: 'installed size, package count and load time, against the official SDK',
  load: '1000 hosted logins and 50000 bearer requests through the sample',
  authorization: 'a cached @ResourceAccess check and an all-match @Roles against AuthingGuard alone',
  tenancy: 'added cost per request of the tenant resolver against the single-tenant AuthingGuard',
  scale:
    'two replicas on Redis: 1000 logins across replicas, 50000 session requests, Redis vs MemoryStore vs bearer' +
    ' (counts: SCALE_LOGINS, SCALE_REQUESTS, SCALE_COMPARE)',
};

/** The usage text printed by `--help`. */
export function benchUsage(names: readonly string[]): string {
  const width = Math.max(...names.map((n) => n.length));
  return [
    'Usage: npm run bench [-- <name>...]',
    '',
    'Without a name every benchmark runs and BENCHMARKS.md is rewritten; with names only those run',
    'and the results are printed, BENCHMARKS.md is left alone.',
    '',
    'Benchmarks:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${BENCH_DESCRIPTIONS[n] ?? ''}`),
    '',
    'Example: npm run bench -- token-verification',
  ].join('\n');
}

/** Reads the command line (`process.argv.slice(2)`) against the known benchmark names. */
export function parseBenchArgs(argv: readonly string[], known: readonly string[]): BenchRequest {
  if (argv.some((a) => a === '--help' || a === '-h' || a === 'help')) return { kind: 'help' };
  const option = argv.find((a) => a.startsWith('-'));
  if (option) return { kind: 'error', message: `unknown option ${option}; see npm run bench -- --help` };
  const unknown = argv.filter((a) => !known.includes(a));
  if (unknown.length > 0) {
    return {
      kind: 'error',
      message: `unknown benchmark ${unknown.join(', ')}; known: ${known.join(', ')} (npm run bench -- --help)`,
    };
  }
  if (argv.length === 0) return { kind: 'run', names: [...known], all: true };
  return { kind: 'run', names: [...new Set(argv)], all: false };
}
