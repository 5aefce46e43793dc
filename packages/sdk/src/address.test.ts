import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServerAddress, parseServerList } from './address.js';
import { CairnConfigError } from './errors.js';

test('server addresses in every accepted form', () => {
  assert.deepEqual(parseServerAddress('127.0.0.1:8848'), { label: '127.0.0.1:8848', host: '127.0.0.1', port: 8848 });
  assert.deepEqual(parseServerAddress('registry.local'), { label: 'registry.local', host: 'registry.local', port: 8848 });
  assert.deepEqual(parseServerAddress('[::1]:9000'), { label: '[::1]:9000', host: '::1', port: 9000 });
  assert.deepEqual(parseServerAddress('::1'), { label: '::1', host: '::1', port: 8848 });
  assert.deepEqual(parseServerAddress('http://127.0.0.1:9000'), { label: 'http://127.0.0.1:9000', host: '127.0.0.1', port: 9000 });
  assert.deepEqual(parseServerAddress('http://h:1/custom/'), { label: 'http://h:1/custom/', host: 'h', port: 1, path: '/custom' });
  assert.equal(parseServerList('a:1, b:2').length, 2);
});

test('each malformed address is one CairnConfigError naming serverAddresses and the entry', () => {
  for (const [bad, why] of [
    ['127.0.0.1:88x', /port '88x' is not a number/],
    ['host:0', /out of range/],
    ['host:70000', /out of range/],
    ['https://h:1', /only http:\/\//],
    ['http://u:p@h:1', /credentials/],
    ['bad host:1', /not a valid host name/],
    ['', /empty/],
    ['h/1', /host:port/],
    ['[nope]:1', /not an IPv6/],
  ] as const) {
    assert.throws(
      () => parseServerAddress(bad),
      (e: unknown) => e instanceof CairnConfigError && e.setting === 'serverAddresses' && why.test(e.message) && e.message.includes(`'${bad}'`),
      bad,
    );
  }
  assert.throws(
    () => parseServerList([]),
    (e: unknown) => e instanceof CairnConfigError && e.setting === 'serverAddresses',
  );
});
