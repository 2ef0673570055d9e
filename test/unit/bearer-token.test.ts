import fc from 'fast-check';
import { bearerToken } from '../../lib/nest/request/request-context.js';

/** The reading the guard used before the character-by-character parser: the reference. */
const REFERENCE = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const reference = (header: string): string | undefined => REFERENCE.exec(header)?.[1];

describe('bearerToken reads an Authorization header exactly as the reference expression does', () => {
  test.each([
    'Bearer abc.def.ghi',
    'bearer abc',
    'BEARER\tabc \t ',
    'Bearer  abc',
    'Bearer abc def',
    'Bearer',
    'Bearer ',
    'Bearerabc',
    'Basic abc',
    'Bearer abc\n',
    'Bearer abc\u00a0',
    'Bearer a\u2028b',
    'Bearer \u00a0abc',
    ' Bearer abc',
    'Bearer\u000babc',
    'Bearer abc\u0085',
    'Bearer é',
    'Bearer 🙂',
  ])('%j', (header) => {
    expect(bearerToken(header)).toBe(reference(header));
  });

  test('on random headers made of the characters that matter', () => {
    const char = fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\r',
      '\u000b',
      '\u00a0',
      '\u2028',
      '\u3000',
      'a',
      'B',
      '.',
      '-',
      'é',
    );
    const header = fc.tuple(
      fc.constantFrom('Bearer', 'bearer', 'BeArEr', 'Bear', ''),
      fc.array(char, { maxLength: 12 }),
    );
    fc.assert(
      fc.property(header, ([scheme, rest]) => {
        const value = scheme + rest.join('');
        expect(bearerToken(value)).toBe(reference(value));
      }),
      { numRuns: 5000 },
    );
  });
});
