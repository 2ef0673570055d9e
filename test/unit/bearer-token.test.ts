import fc from 'fast-check';
import { bearerToken, defaultExtractToken, type AuthingRequest } from '../../lib/nest/request/request-context.js';

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

describe('defaultExtractToken remembers the parsed header per connection, never across headers', () => {
  const request = (authorization: string | undefined, socket?: object): AuthingRequest =>
    ({
      headers: authorization === undefined ? {} : { authorization },
      ...(socket ? { socket } : {}),
    }) as AuthingRequest;

  test('each request on one keep-alive connection gets the token of its own header', () => {
    const socket = {};
    const headers = ['Bearer a.b.c', 'Bearer a.b.c', 'Bearer x.y.z', 'Basic dXNlcg==', 'Bearer a b', 'Bearer x.y.z'];
    for (const header of headers) {
      expect(defaultExtractToken(request(header, socket))).toBe(reference(header));
    }
  });

  test('connections do not share what they remember', () => {
    const first = {};
    const second = {};
    expect(defaultExtractToken(request('Bearer one', first))).toBe('one');
    expect(defaultExtractToken(request('Bearer two', second))).toBe('two');
    expect(defaultExtractToken(request('Bearer one', first))).toBe('one');
    expect(defaultExtractToken(request(undefined, second))).toBeUndefined();
  });

  test('on random sequences of headers over a few connections', () => {
    const sockets = [{}, {}, {}];
    const header = fc.constantFrom('Bearer a.b.c', 'bearer a.b.c', 'Bearer x', 'Bearer x y', 'Basic x', 'Bearer ', '');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), header), { maxLength: 30 }), (steps) => {
        for (const [index, value] of steps) {
          const socket = sockets[index]; // index 3: a request without a socket (a handshake object)
          expect(defaultExtractToken(request(value, socket))).toBe(reference(value));
        }
      }),
      { numRuns: 500 },
    );
  });
});
