import { md5Hex } from '@cairn/core';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sendFrom } from '../../../../testing/send-from.js';
import { startTestServer, type TestServer } from '../../../../testing/test-server.js';

const BETA = '127.0.0.2';
const OTHER = '127.0.0.1';
const line = (dataId: string, md5: string) => `${dataId}\u0002G\u0002${md5}\u0001`;
const changedKey = (dataId: string) => `${encodeURIComponent(`${dataId}\u0002G\u0001`)}\n`;

describe('long polls compare with the version each client is served, and gray changes wake only the clients they change', () => {
  let ts: TestServer;
  const send = (from: string, method: string, params: Record<string, string>, headers: Record<string, string> = {}) => sendFrom(from, ts.url, method, '/v1/cs/configs', params, headers);
  const poll = (from: string, listening: string, headers: Record<string, string> = {}) => sendFrom(from, ts.url, 'POST', '/v1/cs/configs/listener', { 'Listening-Configs': listening }, { 'Long-Pulling-Timeout': '30000', ...headers });
  /** Waits until `n` polls are held (the polls are sent concurrently); a poll answered at once instead never gets there. */
  const held = async (n: number) => {
    for (let i = 0; ts.server.ctx.longPolls.size !== n; i++) {
      assert.ok(i < 500, `${ts.server.ctx.longPolls.size} polls held, expected ${n}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  test('a beta publish wakes the beta client only; a main publish wakes the others only; stopping beta wakes the beta client', async () => {
    await send(OTHER, 'POST', { dataId: 'lp', group: 'G', content: 'v1' });
    const betaPoll = poll(BETA, line('lp', md5Hex('v1')));
    const otherPoll = poll(OTHER, line('lp', md5Hex('v1')));
    await held(2);
    await send(OTHER, 'POST', { dataId: 'lp', group: 'G', content: 'b1' }, { betaIps: BETA });
    assert.equal((await betaPoll).text, changedKey('lp'));
    assert.equal(ts.server.ctx.longPolls.size, 1, 'the non-beta client is still held: what it is served did not change');

    const betaPoll2 = poll(BETA, line('lp', md5Hex('b1')));
    await held(2);
    await send(OTHER, 'POST', { dataId: 'lp', group: 'G', content: 'v2' });
    assert.equal((await otherPoll).text, changedKey('lp'));
    assert.equal(ts.server.ctx.longPolls.size, 1, 'the beta client is still held: it is served the beta version');

    await send(OTHER, 'DELETE', { dataId: 'lp', group: 'G', beta: 'true' });
    assert.equal((await betaPoll2).text, changedKey('lp'));
    assert.equal(ts.server.ctx.longPolls.size, 0);
  });

  test('a client whose md5 is not the version it is served is answered at once', async () => {
    await send(OTHER, 'POST', { dataId: 'now', group: 'G', content: 'main' });
    await send(OTHER, 'POST', { dataId: 'now', group: 'G', content: 'beta' }, { betaIps: BETA });
    assert.equal((await poll(BETA, line('now', md5Hex('main')))).text, changedKey('now'), 'the beta client holds main: stale for it');
    assert.equal((await poll(OTHER, line('now', md5Hex('beta')))).text, changedKey('now'), 'another client holding the beta md5 is stale too');
    const tagged = poll(BETA, line('now', md5Hex('beta')));
    await held(1);
    assert.equal(ts.server.ctx.longPolls.size, 1, 'the beta client with the beta md5 is current and held');
    await send(OTHER, 'DELETE', { dataId: 'now', group: 'G', beta: 'true' });
    assert.equal((await tagged).text, changedKey('now'));
  });

  test('a tag publish wakes the clients sending that Vipserver-Tag only', async () => {
    await send(OTHER, 'POST', { dataId: 'tg', group: 'G', content: 'main' });
    const canary = poll(OTHER, line('tg', md5Hex('main')), { 'Vipserver-Tag': 'canary' });
    const plain = poll(OTHER, line('tg', md5Hex('main')));
    await held(2);
    await send(OTHER, 'POST', { dataId: 'tg', group: 'G', content: 'canary', tag: 'canary' });
    assert.equal((await canary).text, changedKey('tg'));
    assert.equal(ts.server.ctx.longPolls.size, 1, 'the client without the tag is still held');
    await send(OTHER, 'POST', { dataId: 'tg', group: 'G', content: 'main 2' });
    assert.equal((await plain).text, changedKey('tg'));
  });
});
