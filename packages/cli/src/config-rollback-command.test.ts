import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hostPort, runCli } from './testing/run-cli.js';
import { call, startTestServer, type TestServer } from './testing/test-server.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('cairn config rollback', { timeout: 60_000 }, () => {
  let ts: TestServer;
  let server: string;
  before(async () => {
    ts = await startTestServer();
    server = hostPort(ts.url);
  });
  after(() => ts.close());

  const cairn = (...args: string[]) => runCli([...args, '--server', server]);
  const historyIds = async (dataId: string) => (JSON.parse((await cairn('config', 'history', '--data-id', dataId, '--group', 'SHOP', '--json')).stdout) as { id: string; op: string }[]).map((e) => `${e.op}${e.id}`);

  it('publishes the version of a history id again, also after a delete', async () => {
    await cairn('config', 'publish', '--data-id', 'app.yaml', '--group', 'SHOP', '--content', 'level: info', '--type', 'yaml');
    await cairn('config', 'publish', '--data-id', 'app.yaml', '--group', 'SHOP', '--content', 'level: debug');
    const [, first] = await historyIds('app.yaml');
    const nid = first.slice(1);
    const done = await cairn('config', 'rollback', '--data-id', 'app.yaml', '--group', 'SHOP', '--nid', nid);
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout, `rolled back app.yaml in SHOP (namespace public) to history ${nid}, md5 ${md5('level: info')}\n`);
    const detail = (await call(ts.url, 'GET', '/v1/cs/configs?dataId=app.yaml&group=SHOP&show=all')).json();
    assert.deepEqual([detail.content, detail.type], ['level: info', 'yaml']);

    await cairn('config', 'delete', '--data-id', 'app.yaml', '--group', 'SHOP');
    const [deletion] = await historyIds('app.yaml');
    assert.match(deletion, /^D/);
    const json = await cairn('config', 'rollback', '--data-id', 'app.yaml', '--group', 'SHOP', '--nid', deletion.slice(1), '--json');
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), { rolledBack: { dataId: 'app.yaml', group: 'SHOP', namespace: '', nid: deletion.slice(1), md5: md5('level: info'), type: 'yaml' } });
    assert.equal((await historyIds('app.yaml'))[0][0], 'I');
  });

  it('exit 1 for a history id of another config, exit 2 for a missing or malformed --nid', async () => {
    await cairn('config', 'publish', '--data-id', 'other.yaml', '--group', 'SHOP', '--content', 'x: 1');
    const [record] = await historyIds('other.yaml');
    const wrong = await cairn('config', 'rollback', '--data-id', 'app.yaml', '--group', 'SHOP', '--nid', record.slice(1));
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stdout, '');
    assert.equal(wrong.stderr, `cairn config rollback: history ${record.slice(1)} is not a version of app.yaml in SHOP (namespace public); see 'cairn config history'\n`);
    const missing = await cairn('config', 'rollback', '--data-id', 'app.yaml');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /flag '--nid' is required/);
    const malformed = await cairn('config', 'rollback', '--data-id', 'app.yaml', '--nid', 'last');
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /--nid must be a history id/);
  });
});
