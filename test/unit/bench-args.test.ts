import { benchUsage, parseBenchArgs } from '../../bench/args.js';

const KNOWN = ['guard', 'management', 'token-verification', 'footprint', 'load'];

describe('npm run bench arguments', () => {
  test('--help, -h and help ask for the usage, which names every benchmark', () => {
    for (const flag of ['--help', '-h', 'help']) expect(parseBenchArgs([flag], KNOWN)).toEqual({ kind: 'help' });
    const usage = benchUsage(KNOWN);
    for (const name of KNOWN) expect(usage).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(usage).toContain('npm run bench -- token-verification');
  });

  test('no argument runs everything and rewrites BENCHMARKS.md; names run only those', () => {
    expect(parseBenchArgs([], KNOWN)).toEqual({ kind: 'run', names: KNOWN, all: true });
    expect(parseBenchArgs(['footprint', 'guard', 'footprint'], KNOWN)).toEqual({
      kind: 'run',
      names: ['footprint', 'guard'],
      all: false,
    });
  });

  test('an unknown name or option is a one-line error naming the known benchmarks, not a stack trace', () => {
    const unknown = parseBenchArgs(['gaurd'], KNOWN);
    expect(unknown).toEqual({
      kind: 'error',
      message: `unknown benchmark gaurd; known: ${KNOWN.join(', ')} (npm run bench -- --help)`,
    });
    expect(parseBenchArgs(['--fast'], KNOWN)).toEqual({
      kind: 'error',
      message: 'unknown option --fast; see npm run bench -- --help',
    });
  });
});
