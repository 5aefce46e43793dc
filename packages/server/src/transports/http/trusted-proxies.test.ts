import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resolveOptions } from '../../config/options.js';
import { sendFrom } from '../../testing/send-from.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

const KEY = { dataId: 'proxied', group: 'G' };
const SPOOFED = '10.9.9.9';

/** A server whose config `proxied` has a beta version for 10.9.9.9, an address no test client has. */
async function serverWithBeta(trustedProxies?: string): Promise<TestServer> {
  const ts = await startTestServer(trustedProxies === undefined ? {} : { trustedProxies });
  await sendFrom('127.0.0.1', ts.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'main' });
  await sendFrom('127.0.0.1', ts.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'beta' }, { betaIps: SPOOFED });
  return ts;
}

describe('--trusted-proxies: forwarded client IPs count only from trusted peers', () => {
  let trusting: TestServer;
  let plain: TestServer;
  before(async () => {
    trusting = await serverWithBeta('127.0.0.1, 127.0.0.4/32');
    plain = await serverWithBeta();
  });
  after(async () => {
    await trusting.close();
    await plain.close();
  });
  const read = async (ts: TestServer, from: string, headers: Record<string, string>) => (await sendFrom(from, ts.url, 'GET', '/v1/cs/configs', KEY, headers)).text;

  test('a trusted proxy names the client by X-Forwarded-For or X-Real-IP', async () => {
    assert.equal(await read(trusting, '127.0.0.1', { 'X-Forwarded-For': SPOOFED }), 'beta');
    assert.equal(await read(trusting, '127.0.0.4', { 'X-Real-IP': SPOOFED }), 'beta');
    assert.equal(await read(trusting, '127.0.0.1', { 'X-Forwarded-For': `192.0.2.1, ${SPOOFED}` }), 'beta', 'the nearest untrusted hop is the client');
    assert.equal(await read(trusting, '127.0.0.1', {}), 'main');
    await sendFrom('127.0.0.1', trusting.url, 'POST', '/v1/cs/configs', { dataId: 'authored', group: 'G', content: 'by proxy' }, { 'X-Real-IP': '192.0.2.7' });
    const history = (await sendFrom('127.0.0.1', trusting.url, 'GET', '/v1/cs/history', { search: 'accurate', dataId: 'authored', group: 'G' })).json();
    assert.equal(history.pageItems[0].srcIp, '192.0.2.7', 'the author is the forwarded client too');
  });

  test('an untrusted peer cannot spoof its IP into the beta list, with either header', async () => {
    assert.equal(await read(trusting, '127.0.0.3', { 'X-Forwarded-For': SPOOFED }), 'main');
    assert.equal(await read(trusting, '127.0.0.3', { 'X-Real-IP': SPOOFED }), 'main');
    assert.equal(await read(plain, '127.0.0.1', { 'X-Forwarded-For': SPOOFED }), 'main', 'by default no peer is trusted');
    assert.equal(await read(plain, '127.0.0.1', { 'X-Real-IP': SPOOFED }), 'main');
  });

  test('the option takes IPs and CIDR ranges and names a bad entry', () => {
    assert.equal(resolveOptions({}, ['--trusted-proxies', ' 10.0.0.1 , 192.168.0.0/16,::1 ']).trustedProxies, '10.0.0.1,192.168.0.0/16,::1');
    assert.equal(resolveOptions({}, [], { CAIRN_TRUSTED_PROXIES: '127.0.0.1' }).trustedProxies, '127.0.0.1');
    assert.equal(resolveOptions().trustedProxies, '');
    assert.throws(() => resolveOptions({}, ['--trusted-proxies', '10.0.0.1,proxy.local']), /--trusted-proxies must be a comma list of IP addresses or CIDR ranges, got 'proxy.local'/);
    assert.throws(() => resolveOptions({}, ['--trusted-proxies', '10.0.0.0/33']), /got '10.0.0.0\/33'/);
  });
});
