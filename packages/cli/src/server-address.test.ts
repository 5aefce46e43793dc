import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressError, parseServerAddress, serverAddressFrom, withContextPath } from './server-address.js';

describe('parseServerAddress', () => {
  it('reads host, port and context path, with Nacos defaults', () => {
    const cases: [string, string, number, string, string][] = [
      ['127.0.0.1:8848', '127.0.0.1', 8848, '/nacos', 'http://127.0.0.1:8848/nacos'],
      ['127.0.0.1', '127.0.0.1', 8848, '/nacos', 'http://127.0.0.1:8848/nacos'],
      ['registry.internal:9000', 'registry.internal', 9000, '/nacos', 'http://registry.internal:9000/nacos'],
      ['[::1]:8848', '::1', 8848, '/nacos', 'http://[::1]:8848/nacos'],
      ['::1', '::1', 8848, '/nacos', 'http://[::1]:8848/nacos'],
      ['http://127.0.0.1:8848/registry/', '127.0.0.1', 8848, '/registry', 'http://127.0.0.1:8848/registry'],
      ['HTTP://localhost:1/', 'localhost', 1, '', 'http://localhost:1'],
    ];
    for (const [input, host, port, contextPath, baseUrl] of cases) {
      const a = parseServerAddress(input);
      assert.deepEqual([a.host, a.port, a.contextPath, a.baseUrl], [host, port, contextPath, baseUrl], input);
    }
    assert.equal(parseServerAddress('10.0.0.5').ipVersion, 4);
    assert.equal(parseServerAddress('[::1]:1').ipVersion, 6);
    assert.equal(parseServerAddress('db.local').ipVersion, 0);
  });

  it('says what is wrong with a malformed address', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['127.0.0.1:99999', /port 99999 .* out of range/],
      ['127.0.0.1:0', /port 0 .* out of range/],
      ['127.0.0.1:http', /port 'http' .* is not a number/],
      ['300.1.1.1:8848', /'300\.1\.1\.1' .* not a valid IPv4 address/],
      ['bad_host!:8848', /not a valid host name/],
      ['1.2.3.4:80:90', /several ':'.*brackets/],
      ['[zz]:8848', /not an IPv6 address/],
      ['https://127.0.0.1:8848', /scheme 'https:\/\/'/],
      ['http:/127.0.0.1:8848', /one slash/],
      ['http://user:pw@127.0.0.1:8848', /--username and --password/],
      ['127.0.0.1:8848,127.0.0.2:8848', /several servers/],
      ['127.0.0.1:8848?x=1', /query/],
      ['a b', /space/],
    ];
    for (const [input, message] of cases) {
      assert.throws(
        () => parseServerAddress(input),
        (e: unknown) => e instanceof AddressError && message.test(e.message),
        input,
      );
    }
  });

  it('takes the flag, then CAIRN_SERVER, then the default', () => {
    assert.equal(serverAddressFrom('a:1', { CAIRN_SERVER: 'b:2' }), 'a:1');
    assert.equal(serverAddressFrom(undefined, { CAIRN_SERVER: 'b:2' }), 'b:2');
    assert.equal(serverAddressFrom(undefined, { CAIRN_SERVER: ' ' }), '127.0.0.1:8848');
  });

  it('writes an address with another context path, the root as a lone slash', () => {
    const a = parseServerAddress('[::1]:8848/wrong');
    assert.equal(withContextPath(a, '/nacos'), 'http://[::1]:8848/nacos');
    assert.equal(withContextPath(a, ''), 'http://[::1]:8848/');
    assert.equal(parseServerAddress(withContextPath(a, '')).contextPath, '');
  });
});
