import type { NamingStore } from '@cairn/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { event } from './fixtures.js';
import type { WithStore } from './with-store.js';

// Each test writes its events in its own time window, so `since` keeps the tests apart on one database.
const T1 = 1_000_000;
const T2 = 5_000_000;

/** The journal part of the NamingStore contract: batches, order, limits and pruning. */
export function runJournalContract(withStore: WithStore<NamingStore>): void {
  test('journal batches load back newest-N, oldest first, in append order within a millisecond', async () => {
    await withStore(async (store) => {
      const minimal = event(3, T1 + 10, { cause: 'INSTANCE_DEREGISTERED', evidence: { n: 3 } });
      for (const key of ['cluster', 'ip', 'port', 'ephemeral', 'healthy'] as const) delete minimal[key];
      await store.appendJournal([event(1, T1), event(2, T1 + 10, { healthy: true, cause: 'INSTANCE_REGISTERED' })]);
      await store.appendJournal([minimal, event(4, T1 + 20)]);
      await store.appendJournal([]);
      assert.deepEqual(await store.loadJournal(T1, 100), [event(1, T1), event(2, T1 + 10, { healthy: true, cause: 'INSTANCE_REGISTERED' }), minimal, event(4, T1 + 20)]);
      assert.deepEqual(
        (await store.loadJournal(T1, 2)).map((e) => e.evidence.n),
        [3, 4],
        'the newest two',
      );
      assert.deepEqual(
        (await store.loadJournal(T1 + 10, 100)).map((e) => e.evidence.n),
        [2, 3, 4],
        'since is inclusive',
      );
      assert.deepEqual(await store.loadJournal(T1 + 21, 100), []);
      assert.deepEqual(await store.loadJournal(T1, 0), []);
    });
  });

  test('a large journal batch is stored whole, and a failing batch stores nothing', async () => {
    await withStore(async (store) => {
      const big = Array.from({ length: 1_234 }, (_, i) => event(10_000 + i, T2 + i));
      await store.appendJournal(big);
      const loaded = await store.loadJournal(T2, 5_000);
      assert.equal(loaded.length, big.length);
      assert.deepEqual(loaded[loaded.length - 1], big[big.length - 1]);
      // The broken event (no cause) sits in the second INSERT of the batch: the first must roll back with it.
      const broken = Array.from({ length: 600 }, (_, i) => event(20_000 + i, T2 + 2_000 + i));
      (broken[599] as { cause: unknown }).cause = null;
      await assert.rejects(store.appendJournal(broken));
      assert.equal((await store.loadJournal(T2 + 2_000, 5_000)).length, 0);
    });
  });

  test('pruning drops the events older than the cut and keeps the rest', async () => {
    await withStore(async (store) => {
      await store.pruneJournal(T2 + 1_000, 1_000_000);
      const kept = await store.loadJournal(0, 10_000);
      assert.equal(kept.length, 234);
      assert.equal(kept[0].at, T2 + 1_000);
    });
  });

  test('pruning also keeps only the newest events by count, whatever their age', async () => {
    await withStore(async (store) => {
      await store.pruneJournal(0, 100);
      const kept = await store.loadJournal(0, 10_000);
      assert.equal(kept.length, 100);
      assert.equal(kept[0].at, T2 + 1_134, 'the newest hundred, oldest first');
      assert.equal(kept[99].at, T2 + 1_233);
      await store.pruneJournal(0, 100);
      assert.equal((await store.loadJournal(0, 10_000)).length, 100, 'a journal within the count loses nothing');
      await store.pruneJournal(0, 0);
      assert.deepEqual(await store.loadJournal(0, 10_000), []);
    });
  });
}
