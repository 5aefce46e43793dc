import { md5Hex } from '@cairn/core';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sendFrom } from '../../../testing/send-from.js';
import { startTestServer, type TestServer } from '../../../testing/test-server.js';

// Two clients on loopback: the beta client and everyone else.
const BETA = '127.0.0.2';
const OTHER = '127.0.0.1';

describe('config gray releases over HTTP (v1, v2, Cairn endpoints)', () => {
  let ts: TestServer;
  const send = (from: string, method: string, path: string, params: Record<string, string>, headers: Record<string, string> = {}) => sendFrom(from, ts.url, method, path, params, headers);
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  test('a beta publish is served only to the listed IPs, with isBeta: true; ?beta=true reads it; stopping it serves main again', async () => {
    await send(OTHER, 'POST', '/v1/cs/configs', { dataId: 'beta.yaml', group: 'G', content: 'v: main', type: 'yaml' });
    const published = await send(OTHER, 'POST', '/v1/cs/configs', { dataId: 'beta.yaml', group: 'G', content: 'v: beta', type: 'yaml' }, { betaIps: `10.9.9.9,${BETA}` });
    assert.deepEqual([published.status, published.text], [200, 'true']);
    const asBeta = await send(BETA, 'GET', '/v1/cs/configs', { dataId: 'beta.yaml', group: 'G' });
    assert.deepEqual([asBeta.status, asBeta.text, asBeta.headers.isbeta, asBeta.headers['content-md5']], [200, 'v: beta', 'true', md5Hex('v: beta')]);
    const asOther = await send(OTHER, 'GET', '/v1/cs/configs', { dataId: 'beta.yaml', group: 'G' });
    assert.deepEqual([asOther.text, asOther.headers.isbeta], ['v: main', undefined]);
    const v2 = await send(BETA, 'GET', '/v2/cs/config', { dataId: 'beta.yaml', group: 'G' });
    assert.deepEqual([v2.json().data, v2.headers.isbeta], ['v: beta', 'true']);
    assert.equal((await send(OTHER, 'GET', '/v1/cs/configs', { dataId: 'beta.yaml', group: 'G', show: 'all' })).json().content, 'v: main', 'show=all is the main version');

    const query = (await send(OTHER, 'GET', '/v1/cs/configs', { dataId: 'beta.yaml', group: 'G', beta: 'true' })).json();
    assert.deepEqual([query.code, query.message], [200, 'query beta ok']);
    assert.deepEqual(
      { betaIps: query.data.betaIps, content: query.data.content, md5: query.data.md5, dataId: query.data.dataId, tenant: query.data.tenant, type: query.data.type, id: typeof query.data.id },
      { betaIps: `10.9.9.9,${BETA}`, content: 'v: beta', md5: md5Hex('v: beta'), dataId: 'beta.yaml', tenant: '', type: 'yaml', id: 'string' },
    );

    const stopped = await send(OTHER, 'DELETE', '/v1/cs/configs', { dataId: 'beta.yaml', group: 'G', beta: 'true' });
    assert.deepEqual(stopped.json(), { code: 200, message: 'stop beta ok', data: true });
    assert.equal((await send(BETA, 'GET', '/v1/cs/configs', { dataId: 'beta.yaml', group: 'G' })).text, 'v: main');
    assert.deepEqual((await send(OTHER, 'GET', '/v1/cs/configs', { dataId: 'beta.yaml', group: 'G', beta: 'true' })).json(), { code: 200, message: 'query beta ok', data: null });
  });

  test('a tag version is served to Vipserver-Tag clients with a tag header; an explicit unknown tag is a 404; delete with tag stops it', async () => {
    await send(OTHER, 'POST', '/v1/cs/configs', { dataId: 'tag.json', group: 'G', content: '{"v":"main"}', type: 'json' });
    assert.equal((await send(OTHER, 'POST', '/v1/cs/configs', { dataId: 'tag.json', group: 'G', content: '{"v":"canary"}', type: 'json', tag: 'canary' })).text, 'true');
    const tagged = await send(OTHER, 'GET', '/v1/cs/configs', { dataId: 'tag.json', group: 'G' }, { 'Vipserver-Tag': 'canary' });
    assert.deepEqual([tagged.text, tagged.headers.tag, tagged.headers.isbeta], ['{"v":"canary"}', 'canary', undefined]);
    assert.equal((await send(OTHER, 'GET', '/v1/cs/configs', { dataId: 'tag.json', group: 'G', tag: 'canary' })).text, '{"v":"canary"}', 'the tag parameter selects too');
    assert.equal((await send(OTHER, 'GET', '/v1/cs/configs', { dataId: 'tag.json', group: 'G' }, { 'Vipserver-Tag': 'blue' })).text, '{"v":"main"}', 'an unknown header tag falls back to main');
    const unknown = await send(OTHER, 'GET', '/v1/cs/configs', { dataId: 'tag.json', group: 'G', tag: 'blue' });
    assert.deepEqual([unknown.status, unknown.text], [404, 'config data not exist\n']);
    // v2: publish and delete another tag
    assert.equal((await send(OTHER, 'POST', '/v2/cs/config', { dataId: 'tag.json', group: 'G', content: 'green', tag: 'green' })).json().data, true);
    assert.equal((await send(OTHER, 'GET', '/v2/cs/config', { dataId: 'tag.json', group: 'G', tag: 'green' })).json().data, 'green');
    assert.equal((await send(OTHER, 'DELETE', '/v2/cs/config', { dataId: 'tag.json', group: 'G', tag: 'green' })).json().data, true);
    assert.equal((await send(OTHER, 'GET', '/v2/cs/config', { dataId: 'tag.json', group: 'G', tag: 'green' })).status, 404);
    assert.equal((await send(OTHER, 'DELETE', '/v1/cs/configs', { dataId: 'tag.json', group: 'G', tag: 'canary' })).text, 'true');
    assert.equal((await send(OTHER, 'GET', '/v1/cs/configs', { dataId: 'tag.json', group: 'G' }, { 'Vipserver-Tag': 'canary' })).text, '{"v":"main"}');
    assert.equal((await send(OTHER, 'GET', '/v1/cs/configs', { dataId: 'tag.json', group: 'G' })).text, '{"v":"main"}', 'a delete with tag leaves the main version');
  });

  test('an 11th gray version is a 400 on v1 and v2; the Cairn listing shows all ten, beta first', async () => {
    const key = { dataId: 'many', group: 'G' };
    for (let i = 0; i < 9; i++) assert.equal((await send(OTHER, 'POST', '/v1/cs/configs', { ...key, content: `t${i}`, tag: `t${i}` })).status, 200);
    assert.equal((await send(OTHER, 'POST', '/v1/cs/configs', { ...key, content: 'beta' }, { betaIps: BETA })).status, 200);
    const v1 = await send(OTHER, 'POST', '/v1/cs/configs', { ...key, content: 'x', tag: 'one-more' });
    assert.deepEqual([v1.status, v1.text], [400, 'gray config version is over max count :10']);
    const v2 = await send(OTHER, 'POST', '/v2/cs/config', { ...key, content: 'x', tag: 'one-more' });
    assert.deepEqual([v2.status, v2.json().code], [400, 20010]);
    const listed = (await send(OTHER, 'GET', '/v1/cairn/config/gray', key)).json().grays;
    assert.equal(listed.length, 10);
    assert.deepEqual(listed[0], { ...listed[0], grayName: 'beta', kind: 'beta', betaIps: [BETA], content: 'beta', md5: md5Hex('beta') });
    assert.deepEqual([listed[1].grayName, listed[1].kind, listed[1].tag], ['tag_t0', 'tag', 't0']);
  });

  test('promote publishes the gray content as main and removes the gray version; history records say publishType gray', async () => {
    const key = { dataId: 'promo', group: 'G' };
    await send(OTHER, 'POST', '/v1/cs/configs', { ...key, content: 'old', desc: 'kept' });
    await send(OTHER, 'POST', '/v1/cs/configs', { ...key, content: 'new', src_user: 'carol' }, { betaIps: BETA });
    const promoted = await send(OTHER, 'POST', '/v1/cairn/config/gray/promote', { ...key, grayName: 'beta' });
    assert.equal(promoted.status, 200);
    assert.deepEqual([promoted.json().content, promoted.json().desc], ['new', 'kept']);
    assert.equal((await send(OTHER, 'GET', '/v1/cs/configs', key)).text, 'new');
    assert.deepEqual((await send(OTHER, 'GET', '/v1/cairn/config/gray', key)).json(), { grays: [] });
    const missing = await send(OTHER, 'POST', '/v1/cairn/config/gray/promote', { ...key, grayName: 'beta' });
    assert.deepEqual([missing.status, missing.json().code], [404, 20004]);
    assert.equal((await send(OTHER, 'POST', '/v1/cairn/config/gray/promote', { ...key, grayName: 'gray' })).status, 400);
    const history = (await send(OTHER, 'GET', '/v1/cs/history', { search: 'accurate', ...key })).json().pageItems;
    assert.deepEqual(
      history.map((h: { opType: string; publishType: string; grayName: string; content: string }) => `${h.opType}:${h.publishType}:${h.grayName}:${h.content}`),
      ['D:gray:beta:new', 'U:formal::new', 'I:gray:beta:new', 'I:formal::old'],
    );
    assert.deepEqual(JSON.parse(history[2].extInfo), { gray_name: 'beta', src_user: 'carol', gray_rule: JSON.stringify({ type: 'beta', expr: BETA, version: '1.0.0', priority: '2147483647' }) });
  });

  test('deleting the main config stops its gray versions', async () => {
    const key = { dataId: 'gone', group: 'G' };
    await send(OTHER, 'POST', '/v1/cs/configs', { ...key, content: 'main' });
    await send(OTHER, 'POST', '/v1/cs/configs', { ...key, content: 'beta' }, { betaIps: BETA });
    await send(OTHER, 'DELETE', '/v1/cs/configs', key);
    assert.equal((await send(BETA, 'GET', '/v1/cs/configs', key)).status, 404);
    assert.deepEqual((await send(OTHER, 'GET', '/v1/cairn/config/gray', key)).json(), { grays: [] });
    const causes = (await send(OTHER, 'GET', '/v1/cairn/events', key)).json();
    assert.ok(JSON.stringify(causes).includes('"config-removed"'), 'the stop is journaled with its reason');
    const metrics = (await send(OTHER, 'GET', '/actuator/prometheus', {})).text;
    assert.match(metrics, /cairn_journal_events_total\{cause="CONFIG_GRAY_STOPPED"\} [1-9]/);
    assert.match(metrics, /cairn_journal_events_total\{cause="CONFIG_GRAY_PUBLISHED"\} [1-9]/);
  });
});

describe('gray versions survive a restart on a real SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-gray-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('beta and tag versions are stored with the publish and loaded at start', async () => {
    const first = await startTestServer({ dataDir: dir });
    await sendFrom(OTHER, first.url, 'POST', '/v1/cs/configs', { dataId: 'kept', group: 'G', content: 'main' });
    await sendFrom(OTHER, first.url, 'POST', '/v1/cs/configs', { dataId: 'kept', group: 'G', content: 'beta' }, { betaIps: BETA });
    await sendFrom(OTHER, first.url, 'POST', '/v1/cs/configs', { dataId: 'kept', group: 'G', content: 'canary', tag: 'canary' });
    await first.close();
    const second = await startTestServer({ dataDir: dir });
    try {
      assert.equal((await sendFrom(BETA, second.url, 'GET', '/v1/cs/configs', { dataId: 'kept', group: 'G' })).text, 'beta');
      assert.equal((await sendFrom(OTHER, second.url, 'GET', '/v1/cs/configs', { dataId: 'kept', group: 'G' }, { 'Vipserver-Tag': 'canary' })).text, 'canary');
      assert.equal((await sendFrom(OTHER, second.url, 'GET', '/v1/cs/configs', { dataId: 'kept', group: 'G' })).text, 'main');
      // A stop is stored too: after one more restart the beta version stays gone.
      await sendFrom(OTHER, second.url, 'DELETE', '/v1/cs/configs', { dataId: 'kept', group: 'G', beta: 'true' });
    } finally {
      await second.close();
    }
    const third = await startTestServer({ dataDir: dir });
    try {
      assert.equal((await sendFrom(BETA, third.url, 'GET', '/v1/cs/configs', { dataId: 'kept', group: 'G' })).text, 'main');
      assert.deepEqual(
        (await sendFrom(OTHER, third.url, 'GET', '/v1/cairn/config/gray', { dataId: 'kept', group: 'G' })).json().grays.map((g: { grayName: string }) => g.grayName),
        ['tag_canary'],
      );
    } finally {
      await third.close();
    }
  });
});
