import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('POST /v1/cairn/config/rollback', () => {
  let ts: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-rollback-'));
  before(async () => {
    ts = await startTestServer({ dataDir: dir });
  });
  after(async () => {
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const publish = async (dataId: string, content: string, extra: Record<string, string> = {}) => assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { dataId, group: 'G', content, ...extra })).status, 200);
  const history = async (dataId: string, tenant = '') =>
    (await call(ts.url, 'GET', `/v1/cs/history?search=accurate&dataId=${dataId}&group=G&tenant=${tenant}`)).json().pageItems as { id: string; opType: string; md5: string; content: string }[];
  const rollback = (dataId: string, nid: string | number, tenant = '') => call(ts.url, 'POST', `/v1/cairn/config/rollback?dataId=${dataId}&group=G&tenant=${tenant}&nid=${nid}&src_user=bob`);

  test('publishes the version of a history record as a new version, recorded in history and journal', async () => {
    await publish('app.yaml', 'level: info', { type: 'yaml', appName: 'shop' });
    await publish('app.yaml', '{"level":"debug"}', { type: 'json', appName: 'shop2', desc: 'kept' });
    const [, first] = await history('app.yaml');
    const r = await rollback('app.yaml', first.id);
    assert.equal(r.status, 200, r.text);
    const item = r.json();
    assert.deepEqual([item.dataId, item.content, item.md5, item.type, item.appName, item.desc, item.tenant], ['app.yaml', 'level: info', md5('level: info'), 'yaml', 'shop', 'kept', '']);
    const raw = await call(ts.url, 'GET', '/v1/cs/configs?dataId=app.yaml&group=G');
    assert.equal(raw.text, 'level: info');

    const records = await history('app.yaml');
    assert.deepEqual(
      records.map((h) => h.opType),
      ['U', 'U', 'I'],
    );
    const events = (await call(ts.url, 'GET', '/v1/cairn/events?dataId=app.yaml&group=G&cause=CONFIG_ROLLED_BACK')).json().events;
    assert.equal(events.length, 1);
    assert.deepEqual(events[0].evidence, {
      op: 'U',
      md5: md5('level: info'),
      type: 'yaml',
      historyId: Number(records[0].id),
      from: '127.0.0.1',
      agent: 'node',
      claimedUser: 'bob',
      restoredHistoryId: Number(first.id),
      restoredMd5: md5('level: info'),
      previousMd5: md5('{"level":"debug"}'),
    });
  });

  test('after a delete, rolling back to the delete record re-creates the config (I), and it is stored', async () => {
    await publish('gone.props', 'a=1', { tenant: 'dev' });
    assert.equal((await call(ts.url, 'DELETE', '/v1/cs/configs?dataId=gone.props&group=G&tenant=dev')).status, 200);
    const [deletion] = await history('gone.props', 'dev');
    assert.equal(deletion.opType, 'D');
    const r = await rollback('gone.props', deletion.id, 'dev');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().tenant, 'dev');
    assert.deepEqual(
      (await history('gone.props', 'dev')).map((h) => h.opType),
      ['I', 'D', 'I'],
    );
    await ts.close();
    ts = await startTestServer({ dataDir: dir });
    assert.equal((await call(ts.url, 'GET', '/v1/cs/configs?dataId=gone.props&group=G&tenant=dev')).text, 'a=1');
  });

  test('a record of another config, an unknown record, or a bad nid is refused and changes nothing', async () => {
    await publish('one', 'v1');
    await publish('two', 'v2');
    const [ofOne] = await history('one');
    const other = await rollback('two', ofOne.id);
    assert.equal(other.status, 404);
    assert.deepEqual(other.json(), { code: 20004, message: 'resource not found', data: `config history ${ofOne.id} of G/two does not exist` });
    assert.equal((await call(ts.url, 'GET', '/v1/cs/configs?dataId=two&group=G')).text, 'v2');
    assert.equal((await rollback('one', ofOne.id, 'dev')).status, 404, 'the same dataId and group in another namespace is another config');
    assert.equal((await rollback('one', 999_999)).status, 404);
    for (const [nid, field] of [
      ['x', "Param 'nid' must be an integer, got 'x'."],
      ['0', "Param 'nid' must be a history id, got '0'."],
      ['', "Param 'nid' is required."],
    ]) {
      const r = await rollback('one', nid);
      assert.deepEqual([r.status, r.json().data], [400, field]);
    }
    assert.equal((await call(ts.url, 'POST', '/v1/cairn/config/rollback?group=G&nid=1')).status, 400);
  });
});
