import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIpList } from './ip-list.js';

test('addresses split on commas, blanks and new lines; duplicates drop; bad ones are named', () => {
  assert.deepEqual(parseIpList('127.0.0.1, 127.0.0.2\n127.0.0.1  ::1'), { ips: ['127.0.0.1', '127.0.0.2', '::1'], invalid: [] });
  assert.deepEqual(parseIpList('127.0.0.1,host.local,300.1.1.1'), { ips: ['127.0.0.1'], invalid: ['host.local', '300.1.1.1'] });
  assert.deepEqual(parseIpList('  '), { ips: [], invalid: [] });
});
