import { buildStringToSign, canonicalResource, sign } from '../../lib/sdk/signing/signature.js';

describe('management request signature', () => {
  it('reproduces the reference test vector', () => {
    const headers = {
      'x-authing-signature-nonce': '03b0c7e4c567fbf1aa9c444a707e4ee6',
      'x-authing-signature-method': 'HMAC-SHA1',
      'x-authing-signature-version': '1.0',
      'x-authing-sdk-version': 'authing-node-sdk:4.0.1',
      'x-authing-lang': 'zh-CN',
      date: 'Tue, 24 Nov 2026 21:37:31 GMT',
      'content-type': 'application/json',
      accept: 'application/json',
    };
    const body = { options: { pagination: { page: 1, limit: 10 } } };
    const stringToSign = buildStringToSign('POST', '/api/v3/list-users', headers, body);
    expect(stringToSign).toBe(
      [
        'POST',
        'date:Tue, 24 Nov 2026 21:37:31 GMT',
        'x-authing-lang:zh-CN',
        'x-authing-sdk-version:authing-node-sdk:4.0.1',
        'x-authing-signature-method:HMAC-SHA1',
        'x-authing-signature-nonce:03b0c7e4c567fbf1aa9c444a707e4ee6',
        'x-authing-signature-version:1.0',
        '/api/v3/list-users?options={"pagination":{"page":1,"limit":10}}',
      ].join('\n'),
    );
    expect(sign('SK', stringToSign)).toBe('MJrbLpN4Pki7xgWcWrroPBN75aQ=');
  });

  it('sorts keys, skips undefined, writes objects as JSON and encodes nothing', () => {
    expect(canonicalResource('/p', { b: 'x y&z', a: 1, c: undefined, d: [1, 'é'], e: false, f: null })).toBe(
      '/p?a=1&b=x y&z&d=[1,"é"]&e=false&f=null',
    );
    expect(canonicalResource('/p', {})).toBe('/p');
  });

  it('folds control characters in header values and ignores unsigned headers', () => {
    const s = buildStringToSign('get', '/p', { 'X-Authing-Lang': ' en\tUS\n', accept: 'a', Date: 'd' }, {});
    expect(s).toBe('GET\ndate:d\nx-authing-lang:en US\n/p');
  });

  it('changes with the secret, the method, the path and the body', () => {
    const base = sign('SK', buildStringToSign('POST', '/a', { date: 'd' }, { x: 1 }));
    expect(sign('SK2', buildStringToSign('POST', '/a', { date: 'd' }, { x: 1 }))).not.toBe(base);
    expect(sign('SK', buildStringToSign('GET', '/a', { date: 'd' }, { x: 1 }))).not.toBe(base);
    expect(sign('SK', buildStringToSign('POST', '/b', { date: 'd' }, { x: 1 }))).not.toBe(base);
    expect(sign('SK', buildStringToSign('POST', '/a', { date: 'd' }, { x: 2 }))).not.toBe(base);
  });
});
