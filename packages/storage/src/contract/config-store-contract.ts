import type { ConfigGray, ConfigHistoryRecord, ConfigItem, ConfigStore, GrayRule } from '@cairn/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WithStore } from './with-store.js';

const AUTHOR = { sourceIp: '10.0.0.9', clientAgent: 'nacos-client', claimedUser: 'alice' };

function item(namespace: string, dataId: string, content: string, id: number): ConfigItem {
  return {
    namespace,
    group: 'DEFAULT_GROUP',
    dataId,
    id,
    content,
    md5: `md5-${content}`,
    type: 'yaml',
    appName: 'app',
    desc: 'd',
    tags: ['a', 'b'],
    use: '',
    effect: '',
    schema: '',
    encryptedDataKey: '',
    createdAt: 10,
    modifiedAt: 20,
    createdBy: AUTHOR,
    modifiedBy: { ...AUTHOR, claimedUser: 'bob' },
  };
}

function history(c: ConfigItem, id: number, op: 'I' | 'U' | 'D', at: number): ConfigHistoryRecord {
  return { namespace: c.namespace, group: c.group, dataId: c.dataId, id, op, content: c.content, md5: c.md5, appName: c.appName, type: c.type, author: AUTHOR, at };
}

function gray(c: ConfigItem, rule: GrayRule, content: string, id: number): ConfigGray {
  const grayName = rule.kind === 'beta' ? 'beta' : `tag_${rule.tag}`;
  return { namespace: c.namespace, group: c.group, dataId: c.dataId, grayName, rule, id, content, md5: `md5-${content}`, type: 'json', appName: 'app', createdAt: 11, modifiedAt: 21, modifiedBy: AUTHOR };
}

/** The behaviour every ConfigStore must have. Each test uses a namespace of its own (`cfg-…`), and history ids from its own range. */
export function runConfigStoreContract(withStore: WithStore<ConfigStore>): void {
  test('configs and history are written together, round-trip byte-exact, and deletes are idempotent', async () => {
    await withStore(async (store) => {
      const a = item('cfg-rt', 'a.yaml', 'a: 1\nü: "&=+%"\n日本', 1001);
      const b = item('cfg-rt', 'b.yaml', 'b', 1002);
      await store.writeConfigs({ save: [a, b], remove: [], history: [history(a, 1001, 'I', 100), history(b, 1002, 'I', 100)] });
      const a2 = { ...a, content: 'a: 2', md5: 'md5-a2', modifiedAt: 30 };
      await store.writeConfigs({ save: [a2], remove: [b, { namespace: 'cfg-rt', group: 'G', dataId: 'never' }], history: [history(a2, 1003, 'U', 200), history(b, 1004, 'D', 200)] });
      const mine = (await store.loadConfigs()).filter((c) => c.namespace === 'cfg-rt');
      assert.deepEqual(mine, [a2]);
      assert.ok((await store.lastHistoryId()) >= 1004);
      assert.deepEqual(await store.historyById(1001), history(a, 1001, 'I', 100));
      assert.equal(await store.historyById(999_999_999), undefined);
    });
  });

  test('a batch is all or none: a duplicate history id rolls back the config write', async () => {
    await withStore(async (store) => {
      const c = item('cfg-atomic', 'c', 'v1', 2001);
      await store.writeConfigs({ save: [c], remove: [], history: [history(c, 2001, 'I', 1)] });
      const c2 = { ...c, content: 'v2' };
      await assert.rejects(store.writeConfigs({ save: [c2], remove: [], history: [history(c2, 2001, 'U', 2)] }));
      assert.deepEqual(
        (await store.loadConfigs()).filter((x) => x.namespace === 'cfg-atomic').map((x) => x.content),
        ['v1'],
      );
    });
  });

  test('history is paged newest first, previous finds the same key before an id, prune drops by age', async () => {
    await withStore(async (store) => {
      const c = item('cfg-hist', 'h', 'v', 3000);
      const other = item('cfg-hist', 'other', 'o', 3000);
      const records = [1, 2, 3, 4, 5].map((n) => history({ ...c, content: `v${n}` }, 3000 + n * 2, n === 1 ? 'I' : 'U', n * 100));
      await store.writeConfigs({ save: [], remove: [], history: [...records, history(other, 3003, 'I', 150)] });
      const page2 = await store.historyOf(c, 2, 2);
      assert.equal(page2.total, 5);
      assert.deepEqual(
        page2.items.map((h) => h.content),
        ['v3', 'v2'],
      );
      assert.equal((await store.previousHistory(3006))?.id, 3004, 'skips the other key in between');
      assert.equal(await store.previousHistory(3002), undefined);
      await store.pruneHistory(300);
      assert.deepEqual(
        (await store.historyOf(c, 1, 10)).items.map((h) => h.content),
        ['v5', 'v4', 'v3'],
      );
    });
  });

  test('gray versions round-trip with their rule, are replaced by name and removed by name, and survive a reopen', async () => {
    await withStore(async (store) => {
      const c = item('cfg-gray', 'g.json', '{"v":1}', 4001);
      const beta = gray(c, { kind: 'beta', betaIps: ['10.0.0.7', '2001:db8::1'] }, '{"v":"beta"}', 4002);
      const tag = gray(c, { kind: 'tag', tag: 'canary' }, '{"v":"canary"}', 4003);
      const betaRecord = { ...history(c, 4002, 'I', 400), content: beta.content, md5: beta.md5, gray: { grayName: 'beta', rule: beta.rule } };
      await store.writeConfigs({ save: [c], remove: [], saveGrays: [beta, tag], history: [history(c, 4001, 'I', 400), betaRecord] });
      const beta2 = { ...beta, content: 'b2', md5: 'md5-b2', modifiedAt: 40 };
      await store.writeConfigs({
        save: [],
        remove: [],
        saveGrays: [beta2],
        removeGrays: [
          { ...tag, grayName: 'tag_canary' },
          { ...c, grayName: 'tag_never' },
        ],
        history: [],
      });
      const mine = (await store.loadGrays()).filter((g) => g.namespace === 'cfg-gray');
      assert.deepEqual(mine, [beta2]);
      assert.deepEqual(await store.historyById(4002), betaRecord, 'a gray record keeps its gray name and rule');
      assert.deepEqual(await store.historyById(4001), history(c, 4001, 'I', 400), 'a main record has no gray');
      assert.deepEqual(
        (await store.historyOf(c, 1, 10)).items.map((h) => [h.id, h.gray?.grayName]),
        [
          [4002, 'beta'],
          [4001, undefined],
        ],
      );
    });
    await withStore(async (store) => {
      assert.deepEqual(
        (await store.loadGrays()).filter((g) => g.namespace === 'cfg-gray').map((g) => g.content),
        ['b2'],
      );
    });
  });

  test('a gray version is written in the same transaction as the batch: a failing history insert rolls it back', async () => {
    await withStore(async (store) => {
      const c = item('cfg-gray-atomic', 'g', 'v1', 5001);
      await store.writeConfigs({ save: [c], remove: [], history: [history(c, 5001, 'I', 1)] });
      const beta = gray(c, { kind: 'beta', betaIps: ['10.0.0.8'] }, 'beta', 5002);
      const duplicate = { ...history(c, 5001, 'I', 2), gray: { grayName: 'beta', rule: beta.rule } };
      await assert.rejects(store.writeConfigs({ save: [], remove: [], saveGrays: [beta], history: [duplicate] }));
      assert.deepEqual(
        (await store.loadGrays()).filter((g) => g.namespace === 'cfg-gray-atomic'),
        [],
      );
    });
  });

  test('prune drops old records of gray versions and keeps newer ones with their gray name and rule', async () => {
    await withStore(async (store) => {
      const c = item('cfg-gray-prune', 'g', 'v', 6001);
      const rule: GrayRule = { kind: 'tag', tag: 'old' };
      await store.writeConfigs({
        save: [],
        remove: [],
        history: [
          { ...history(c, 6001, 'I', 10), gray: { grayName: 'tag_old', rule } },
          { ...history(c, 6002, 'U', 5000), gray: { grayName: 'tag_old', rule } },
        ],
      });
      await store.pruneHistory(100);
      assert.equal(await store.historyById(6001), undefined);
      assert.deepEqual((await store.historyById(6002))?.gray, { grayName: 'tag_old', rule });
    });
  });

  test("a config's use, effect, schema and encryptedDataKey round-trip byte-exact and are replaced by the next save", async () => {
    await withStore(async (store) => {
      // 32768 characters of 3 bytes each: Nacos's longest schema, over 64 KB in UTF-8.
      const fields = { use: 'payments ü', effect: 'restart: no', schema: '日'.repeat(32_768), encryptedDataKey: 'k/+=ü'.repeat(200) };
      const c = { ...item('cfg-fields', 'f.yaml', 'f: 1', 7001), ...fields };
      await store.writeConfigs({ save: [c], remove: [], history: [history(c, 7001, 'I', 100)] });
      assert.deepEqual(
        (await store.loadConfigs()).filter((x) => x.namespace === 'cfg-fields'),
        [c],
      );
      const plain = { ...c, use: '', effect: '', schema: '', encryptedDataKey: '' };
      await store.writeConfigs({ save: [plain], remove: [], history: [history(plain, 7002, 'U', 200)] });
      assert.deepEqual(
        (await store.loadConfigs()).filter((x) => x.namespace === 'cfg-fields'),
        [plain],
      );
      await store.writeConfigs({ save: [], remove: [plain], history: [history(plain, 7003, 'D', 300)] });
      assert.deepEqual(
        (await store.loadConfigs()).filter((x) => x.namespace === 'cfg-fields'),
        [],
      );
    });
  });

  test("a main version's history record keeps its fields, a record without them loads without them, prune drops them", async () => {
    await withStore(async (store) => {
      const c = item('cfg-hist-fields', 'h', 'v', 7100);
      const fields = { desc: 'the description', tags: ['x', 'y'], use: 'u', effect: 'e', schema: '{"type":"object"}', encryptedDataKey: 'KEY==' };
      await store.writeConfigs({
        save: [],
        remove: [],
        history: [{ ...history(c, 7101, 'I', 10), fields }, { ...history(c, 7102, 'U', 5000), fields: { ...fields, tags: [], desc: '' } }, history(c, 7103, 'U', 5001)],
      });
      assert.deepEqual(await store.historyById(7101), { ...history(c, 7101, 'I', 10), fields });
      assert.deepEqual(
        (await store.historyOf(c, 1, 10)).items.map((h) => h.fields),
        [undefined, { ...fields, tags: [], desc: '' }, fields],
      );
      assert.deepEqual((await store.previousHistory(7103))?.fields, { ...fields, tags: [], desc: '' });
      await store.pruneHistory(100);
      assert.equal(await store.historyById(7101), undefined);
      assert.deepEqual((await store.historyById(7102))?.fields?.use, 'u');
    });
  });

  test('one config and its gray versions are re-read by key (cluster mode re-reads what another node wrote)', async () => {
    await withStore(async (store) => {
      const c = item('cfg-reread', 'r.yaml', 'v1', 7201);
      const other = item('cfg-reread', 'other.yaml', 'o', 7202);
      const beta = gray(c, { kind: 'beta', betaIps: ['10.0.0.1'] }, 'b1', 7203);
      const tag = gray(c, { kind: 'tag', tag: 'blue' }, 't1', 7204);
      await store.writeConfigs({ save: [c, other], remove: [], saveGrays: [tag, beta], history: [history(c, 7201, 'I', 1), history(other, 7202, 'I', 1), history(c, 7205, 'U', 2)] });
      assert.deepEqual(await store.loadConfig(c), c);
      assert.deepEqual(await store.loadGraysOf(c), [beta, tag]);
      assert.deepEqual(await store.loadGraysOf(other), []);
      await store.writeConfigs({ save: [], remove: [c], removeGrays: [beta], history: [] });
      assert.equal(await store.loadConfig(c), undefined);
      assert.deepEqual(await store.loadGraysOf(c), [tag]);
    });
  });

  test('reserved history id blocks never overlap and start above every stored id', async () => {
    await withStore(async (store) => {
      const a = await store.reserveHistoryIds(100);
      assert.equal(a.last - a.first, 99);
      assert.ok(a.first > 0);
      const b = await store.reserveHistoryIds(50);
      assert.equal(b.last - b.first, 49);
      assert.ok(b.first > a.last, `${JSON.stringify(b)} after ${JSON.stringify(a)}`);
      const c = item('cfg-reserve', 'r', 'v', b.last + 1_000);
      await store.writeConfigs({ save: [], remove: [], history: [history(c, b.last + 1_000, 'I', 1)] });
      const after = await store.reserveHistoryIds(10);
      assert.ok(after.first > b.last + 1_000, `${JSON.stringify(after)} above the stored id ${b.last + 1_000}`);
      const together = await Promise.all([store.reserveHistoryIds(10), store.reserveHistoryIds(10), store.reserveHistoryIds(10)]);
      const ids = together.flatMap((r) => Array.from({ length: r.last - r.first + 1 }, (_, i) => r.first + i));
      assert.equal(new Set(ids).size, 30);
    });
  });
}
