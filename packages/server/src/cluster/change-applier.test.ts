import type { ChangeFeed, ClusterChange } from '@cairn/core';
import { openStores } from '@cairn/storage';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { Registry } from 'prom-client';
import { clusterMetrics } from '../metrics/cluster-metrics.js';
import { eventually } from '../testing/eventually.js';
import { SHARED_DIALECTS, throwAwayDatabase } from '../testing/throwaway-database.js';
import { ChangeApplier, type ChangeRefresher } from './change-applier.js';

/** Records the keys it is asked to refresh; a reload asks for `allKeys`. */
function recorder(allKeys: unknown[] = []): ChangeRefresher & { seen: unknown[] } {
  const seen: unknown[] = [];
  return { context: 'namespaces', seen, refresh: async (keys) => void seen.push(...keys), allKeys: async () => allKeys };
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: a node applies the others' changes in order and not its own; one away past the log's retention reads everything again`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const dir = mkdtempSync(join(tmpdir(), 'cairn-applier-'));
    const log = pino({ level: 'silent' });
    const a = await openStores(db.url, dir, { clusterNode: 'node-a' });
    const b = await openStores(db.url, dir, { clusterNode: 'node-b' });
    const appliers: ChangeApplier[] = [];
    t.after(async () => {
      for (const applier of appliers) await applier.stop();
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    });
    // A long poll: on PostgreSQL the notification alone must wake B within the second.
    const pollMs = dialect === 'postgres' ? 10_000 : 200;
    const onA = recorder();
    const onB = recorder();
    const applierA = new ChangeApplier(a.changes!, [onA], { node: 'node-a', pollMs, keepMs: 3_600_000 }, log);
    const applierB = new ChangeApplier(b.changes!, [onB], { node: 'node-b', pollMs, keepMs: 3_600_000 }, log);
    appliers.push(applierA, applierB);
    await applierA.start(await a.changes!.latest());
    await applierB.start(await b.changes!.latest());

    for (const id of ['one', 'two', 'three']) await a.namespaces.saveNamespace({ id, name: id, description: '', createdAt: 1 });
    await b.namespaces.deleteNamespace('two');
    await eventually('B applies A’s three changes', async () => onB.seen.length === 3);
    assert.deepEqual(onB.seen, ['one', 'two', 'three']);
    await eventually('A applies B’s change', async () => onA.seen.length === 1);
    assert.deepEqual(onA.seen, ['two'], 'A skips its own changes');
    assert.equal(applierB.status.reloads, 0);

    // Everything but the latest change pruned: a node that starts from the beginning has missed changes, so it
    // refreshes every key there is, then applies what is kept.
    assert.equal(await a.changes!.prune(Date.now() + 60_000), 3);
    const late = recorder(['one', 'three']);
    const applierC = new ChangeApplier(b.changes!, [late], { node: 'node-c', pollMs, keepMs: 3_600_000 }, log);
    appliers.push(applierC);
    await applierC.start(0);
    await applierC.catchUp();
    assert.equal(applierC.status.reloads, 1);
    assert.deepEqual(late.seen, ['one', 'three', 'two'], 'every key read again, then the kept change applied');
  });
}

test('a node that cannot listen for notifications (the database unreachable) polls meanwhile and listens again once it can', async (t) => {
  let refusals = 3;
  let listens = 0;
  const feed: ChangeFeed = {
    latest: async () => 0,
    since: async () => [],
    prune: async () => 0,
    async listen() {
      if (refusals-- > 0) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      listens++;
      return async () => undefined;
    },
  };
  const applier = new ChangeApplier(feed, [], { node: 'node-a', pollMs: 50, keepMs: 3_600_000 }, pino({ level: 'silent' }));
  t.after(() => applier.stop());
  await applier.start(0);
  assert.equal(applier.status.listening, false);
  await eventually('listening again after three refusals', async () => applier.status.listening, undefined, 5_000);
  assert.equal(listens, 1);
});

test('while reading the change log fails, the node says so in cairn_cluster_change_log_failing, and applies what it missed once it reads again', async (t) => {
  let reachable = false;
  const kept: ClusterChange[] = [{ seq: 1, node: 'node-b', context: 'namespaces', keys: ['missed'], at: 1 }];
  const feed: ChangeFeed = {
    latest: async () => 0,
    async since(seq) {
      if (!reachable) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return kept.filter((c) => c.seq > seq);
    },
    prune: async () => 0,
    listen: async () => undefined,
  };
  const onA = recorder();
  const applier = new ChangeApplier(feed, [onA], { node: 'node-a', pollMs: 50, keepMs: 3_600_000 }, pino({ level: 'silent' }));
  t.after(() => applier.stop());
  const registry = new Registry();
  clusterMetrics(
    registry,
    () => [],
    () => applier.status,
  );
  const failing = async () => (await registry.getSingleMetric('cairn_cluster_change_log_failing')!.get()).values[0]?.value;

  await applier.start(0);
  await eventually('the gauge says the log cannot be read', async () => (await failing()) === 1);
  assert.match(applier.status.failing ?? '', /ECONNREFUSED/);
  assert.deepEqual(onA.seen, []);
  reachable = true;
  await eventually('the gauge back to 0', async () => (await failing()) === 0, undefined, 5_000);
  await eventually('the missed change applied', async () => onA.seen.length === 1);
  assert.deepEqual(onA.seen, ['missed']);
  assert.equal(applier.status.position, 1);
});
