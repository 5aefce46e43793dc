import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { spawnServer, type SpawnedServer } from '@cairn/testkit';
import { CairnRequestError, ConfigClient } from '../index.js';
import { captureLogger } from '../testing/helpers.js';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('ConfigClient.rollback against a real server', () => {
  let server: SpawnedServer;
  let config: ConfigClient;
  before(async () => {
    server = await spawnServer([]);
    config = new ConfigClient({ serverAddresses: [new URL(server.url).host], namespace: 'dev', logger: captureLogger() });
  });
  after(async () => {
    await config.close();
    await server.stop();
  });

  test('rolls back to a version from getHistory, also after a delete', async () => {
    await config.publishConfig('app.yaml', 'G', 'level: info', { type: 'yaml' });
    await config.publishConfig('app.yaml', 'G', 'level: debug', { type: 'yaml' });
    const [, first] = (await config.getHistory('app.yaml', 'G')).entries;
    const now = await config.rollback('app.yaml', 'G', first.id);
    assert.deepEqual(now, { dataId: 'app.yaml', group: 'G', namespace: 'dev', content: 'level: info', md5: md5('level: info'), type: 'yaml', fromSnapshot: false });
    assert.equal((await config.getConfig('app.yaml', 'G'))?.content, 'level: info');

    await config.removeConfig('app.yaml', 'G');
    const [deletion] = (await config.getHistory('app.yaml', 'G')).entries;
    assert.equal(deletion.op, 'D');
    assert.equal((await config.rollback('app.yaml', 'G', Number(deletion.id))).content, 'level: info');
    assert.deepEqual(
      (await config.getHistory('app.yaml', 'G')).entries.map((e) => e.op),
      ['I', 'D', 'U', 'U', 'I'],
    );
  });

  test('a record of another config is a 404; a malformed nid throws before any request', async () => {
    await config.publishConfig('other.yaml', 'G', 'x: 1');
    const [record] = (await config.getHistory('other.yaml', 'G')).entries;
    await assert.rejects(config.rollback('app.yaml', 'G', record.id), (e: unknown) => e instanceof CairnRequestError && e.status === 404 && /config history \d+ of G\/app\.yaml/.test(e.body ?? ''));
    await assert.rejects(config.rollback('app.yaml', 'G', 'latest'), TypeError);
  });
});
