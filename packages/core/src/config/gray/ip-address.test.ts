import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalIp } from './ip-address.js';

test('canonicalIp: IPv4 as is, IPv6 in RFC 5952 form, IPv4-mapped as IPv4, anything else undefined', () => {
  const cases: [string, string | undefined][] = [
    ['10.0.0.7', '10.0.0.7'],
    [' 127.0.0.1 ', '127.0.0.1'],
    ['::1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:1:1:1:1:1:1', '2001:db8:1:1:1:1:1:1'],
    ['::ffff:10.0.0.7', '10.0.0.7'],
    ['::FFFF:0a00:0007', '10.0.0.7'],
    ['::', '::'],
    ['fe80::1:2', 'fe80::1:2'],
    ['10.0.0.256', undefined],
    ['010.0.0.1', undefined],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1::2::3', undefined],
    ['12345::', undefined],
    ['host.example', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of cases) assert.equal(canonicalIp(input), expected, input);
});
