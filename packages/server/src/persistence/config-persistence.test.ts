import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { switchableStores } from '../testing/switchable-stores.js';
import { md5Hex } from '@cairn/core';
import { call, startTestServer } from '../testing/test-server.js';

const KEY = { dataId: 'kept.yaml', group: 'G' };

test('configs and their history survive a restart on SQLite; the history sequence continues', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-config-restart-'));
  try {
    const first = await startTestServer({ dataDir });
    assert.equal((await call(first.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'v1', type: 'yaml' })).text, 'true');
    assert.equal((await call(first.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'v2 ü', type: 'yaml' })).text, 'true');
    await call(first.url, 'POST', '/v1/cs/configs', { dataId: 'dropped', group: 'G', content: 'x' });
    await call(first.url, 'DELETE', '/v1/cs/configs?dataId=dropped&group=G');
    await first.close();

    const second = await startTestServer({ dataDir });
    try {
      const got = await fetch(`${second.url}/v1/cs/configs?dataId=kept.yaml&group=G`);
      assert.equal(await got.text(), 'v2 ü');
      assert.equal(got.headers.get('config-type'), 'yaml');
      assert.equal((await call(second.url, 'GET', '/v1/cs/configs?dataId=dropped&group=G')).status, 404);
      await call(second.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'v3' });
      const history = (await call(second.url, 'GET', '/v1/cs/history?search=accurate&dataId=kept.yaml&group=G')).json();
      assert.deepEqual(
        history.pageItems.map((h: { opType: string; content: string; id: string }) => `${h.id}:${h.opType}:${h.content}`),
        ['5:U:v3', '2:U:v2 ü', '1:I:v1'],
      );
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a publish the store refuses is answered 503, never 200, and is stored once the store is back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-config-outage-'));
  const db = await switchableStores(join(dir, 'cairn.db'), 'disk full (injected)');
  db.setDown(true);
  const { stores } = db;
  const ts = await startTestServer({ storeWaitMs: 200 }, { stores });
  try {
    const refused = await call(ts.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'v1' });
    assert.equal(refused.status, 503);
    assert.match(refused.text, /not durable yet .*disk full \(injected\)/);
    db.setDown(false);
    const deadline = Date.now() + 5000;
    while (ts.server.ctx.configPersistence.status.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(ts.server.ctx.configPersistence.status.pending, 0, 'the refused write was retried');
    assert.deepEqual(
      (await stores.config.loadConfigs()).map((c) => c.content),
      ['v1'],
    );
    assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'v2' })).text, 'true');
  } finally {
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refreshing keys another node wrote: memory matches the store, nothing is written back, and a key changed here and not yet stored is left alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-config-refresh-'));
  const db = await switchableStores(join(dir, 'cairn.db'), 'disk full (injected)');
  const { stores } = db;
  const ts = await startTestServer({ storeWaitMs: 200 }, { stores });
  const { config, configPersistence, events } = ts.server.ctx;
  const replicated: string[] = [];
  events.on('config', (e) => {
    if (e.replicated) replicated.push(`${e.dataId}:${e.op}:${e.historyId}`);
  });
  try {
    assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'v1' })).text, 'true');
    const kept = { namespace: 'public', group: 'G', dataId: 'kept.yaml' };
    const other = { ...kept, dataId: 'other.yaml' };
    const mine = config.get(kept);
    assert.ok(mine);
    // Another node's writes, straight to the database.
    const version = (key: typeof kept, content: string, id: number) => ({ ...mine, ...key, id, content, md5: md5Hex(content), modifiedAt: mine.modifiedAt + 1 });
    const record = (key: typeof kept, content: string, id: number) => ({ ...key, id, op: 'I' as const, content, md5: md5Hex(content), appName: '', type: 'text' as const, author: mine.modifiedBy, at: 1 });
    await stores.config.writeConfigs({ save: [version(other, 'from B', 500), version(kept, 'remote', mine.id)], remove: [], history: [record(other, 'from B', 500), record(kept, 'remote', 501)] });
    // Changed here while the store refuses: dirty, so the refresh must not overwrite it.
    db.setDown(true);
    assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'local' })).status, 503);
    const writes = db.writes();
    await configPersistence.refresh([kept, { ...other, grayName: 'beta' }, { not: 'a key' }]);
    assert.equal(config.get(kept)?.content, 'local', 'the unwritten local change stays');
    assert.equal(config.get(other)?.content, 'from B');
    assert.deepEqual(replicated, ['other.yaml:I:500']);
    await configPersistence.refresh([other]);
    assert.deepEqual(replicated, ['other.yaml:I:500'], 're-applying the same change publishes nothing');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(db.writes(), writes, 'nothing written back');
    db.setDown(false);
    const deadline = Date.now() + 5000;
    while (configPersistence.status.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await stores.config.loadConfig(kept))?.content, 'local', "this node's own write comes next and wins");
    // A publish after seeing another node's record 501 is numbered after it.
    assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { dataId: 'other.yaml', group: 'G', content: 'v2' })).text, 'true');
    assert.ok((await stores.config.lastHistoryId()) > 501);
  } finally {
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a key changed and stored here while it was being read again keeps the change made here', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-config-refresh-race-'));
  const { stores } = await switchableStores(join(dir, 'cairn.db'));
  // Reads of one config wait for the test's go-ahead: the local publish lands while the refresh holds an old read.
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const real = stores.config;
  const config = Object.assign(Object.create(real) as typeof real, {
    loadConfig: async (key: Parameters<typeof real.loadConfig>[0]) => {
      const read = await real.loadConfig(key);
      await gate;
      return read;
    },
  });
  const ts = await startTestServer({}, { stores: { ...stores, config } });
  try {
    assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'before' })).text, 'true');
    const refreshed = ts.server.ctx.configPersistence.refresh([{ namespace: 'public', group: 'G', dataId: 'kept.yaml' }]);
    assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { ...KEY, content: 'made here' })).text, 'true');
    release();
    await refreshed;
    assert.equal(ts.server.ctx.config.get({ namespace: 'public', group: 'G', dataId: 'kept.yaml' })?.content, 'made here');
  } finally {
    await ts.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
