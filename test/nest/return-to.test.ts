import { checkReturnTo } from '../../lib/index.js';

/** The returnTo allow-list: relative paths of this site, or listed origins; nothing else. */
const ALLOWED = ['https://app.example.com', 'http://localhost:3000'];

describe('checkReturnTo', () => {
  test.each([
    '/',
    '/profile',
    '/a/b?c=d&e=f#g',
    '/%2F%2Fevil.com', // encoded slashes stay a path of this site
    '/search?q=//evil.com',
    'https://app.example.com',
    'https://app.example.com/dashboard?x=1',
    'HTTPS://APP.EXAMPLE.COM/x',
    'https://app.example.com:443/x',
    'http://localhost:3000/',
  ])('allows %s', (value) => {
    expect(checkReturnTo(value, ALLOWED)).toBe(value);
  });

  test.each([
    ['protocol-relative', '//evil.com'],
    ['protocol-relative with path', '//evil.com/path'],
    ['backslash trick', '/\\evil.com'],
    ['backslash only', '\\\\evil.com'],
    ['mixed slashes', '/\\/evil.com'],
    ['absolute off-site', 'https://evil.com'],
    ['absolute http off-site', 'http://evil.com/'],
    ['allowed origin as a prefix of another host', 'https://app.example.com.evil.com/'],
    ['allowed origin as userinfo', 'https://app.example.com@evil.com/'],
    ['userinfo on an allowed origin', 'https://user:pass@app.example.com/'],
    ['other port of an allowed host', 'https://app.example.com:8443/'],
    ['other scheme of an allowed host', 'http://app.example.com/'],
    ['javascript URL', 'javascript:alert(1)'],
    ['javascript URL with case', 'JaVaScRiPt:alert(1)'],
    ['data URL', 'data:text/html,<script>alert(1)</script>'],
    ['tab inside the scheme', 'java\tscript:alert(1)'],
    ['leading space', ' /profile'],
    ['newline (header injection)', '/profile\r\nSet-Cookie: x=y'],
    ['control character before slashes', '/\t/evil.com'],
    ['dot segments collapsing into //', '/..//evil.com'],
    ['relative without slash', 'evil.com'],
    ['empty', ''],
    ['non-string', ['/profile']],
    ['too long', `/${'a'.repeat(3000)}`],
  ])('refuses %s', (_name, value) => {
    expect(checkReturnTo(value, ALLOWED)).toBeUndefined();
  });

  test('with no allowed origins only paths of this site pass', () => {
    expect(checkReturnTo('https://app.example.com/x', [])).toBeUndefined();
    expect(checkReturnTo('/x', [])).toBe('/x');
  });
});
