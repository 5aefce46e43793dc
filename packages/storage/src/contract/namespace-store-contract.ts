import type { NamespaceStore } from '@cairn/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WithStore } from './with-store.js';

/** The behaviour every NamespaceStore must have. Its namespaces start with `ns-`, so other tests' rows do not count. */
export function runNamespaceStoreContract(withStore: WithStore<NamespaceStore>): void {
  test('namespaces round-trip; saving again updates name and description but keeps createdAt', async () => {
    await withStore(async (store) => {
      await store.saveNamespace({ id: 'ns-a', name: 'Alpha', description: 'first', createdAt: 5 });
      await store.saveNamespace({ id: 'ns-b', name: 'Beta', description: '', createdAt: 7 });
      await store.saveNamespace({ id: 'ns-a', name: 'Alpha 2', description: 'edited', createdAt: 99 });
      const mine = (await store.loadNamespaces()).filter((n) => n.id.startsWith('ns-'));
      assert.deepEqual(mine, [
        { id: 'ns-a', name: 'Alpha 2', description: 'edited', createdAt: 5 },
        { id: 'ns-b', name: 'Beta', description: '', createdAt: 7 },
      ]);
      await store.deleteNamespace('ns-b');
      await store.deleteNamespace('ns-never-there');
      assert.deepEqual(
        (await store.loadNamespaces()).filter((n) => n.id.startsWith('ns-')).map((n) => n.id),
        ['ns-a'],
      );
    });
  });
}
