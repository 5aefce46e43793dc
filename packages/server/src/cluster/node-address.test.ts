import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { test } from 'node:test';
import { nodeAddress, splitAddress } from './node-address.js';

const nic = (address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;
const machine = () => ({ lo: [nic('127.0.0.1', 'IPv4', true)], eth0: [nic('fe80::1', 'IPv6', false), nic('10.0.0.7', 'IPv4', false)] });

test('the address is the one configured, else the host and the bound port; a wildcard host stands for the first external IPv4', () => {
  assert.equal(nodeAddress('nacos-1.internal:8848', '0.0.0.0', 40123, machine), 'nacos-1.internal:8848');
  assert.equal(nodeAddress('', '127.0.0.3', 40123, machine), '127.0.0.3:40123');
  assert.equal(nodeAddress('', 'localhost', 8848, machine), '127.0.0.1:8848');
  assert.equal(nodeAddress('', '0.0.0.0', 8848, machine), '10.0.0.7:8848');
  assert.equal(nodeAddress('', '::', 8848, machine), '10.0.0.7:8848');
  assert.equal(
    nodeAddress('', '0.0.0.0', 8848, () => ({ lo: [nic('127.0.0.1', 'IPv4', true)] })),
    '127.0.0.1:8848',
  );
  assert.equal(nodeAddress('', 'fd00::2', 8848, machine), '[fd00::2]:8848');
});

test('an address splits into the ip and port of Nacos member JSON', () => {
  assert.deepEqual(splitAddress('10.0.0.7:8848'), { ip: '10.0.0.7', port: 8848 });
  assert.deepEqual(splitAddress('[fd00::2]:8848'), { ip: 'fd00::2', port: 8848 });
});
