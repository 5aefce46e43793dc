import type { NamingStore } from '@cairn/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { event, instance, overlay, service } from './fixtures.js';
import { runJournalContract } from './journal-contract.js';
import type { WithStore } from './with-store.js';

/**
 * The behaviour every NamingStore must have: services, persistent instances, operator overlays, and (in
 * journal-contract.ts) the journal. Tests keep to their own namespace, so they run in order on one database.
 */
export function runNamingStoreContract(withStore: WithStore<NamingStore>): void {
  test('service definitions round-trip with clusters and health-check settings; names are case-sensitive', async () => {
    const long = `svc-${'x'.repeat(508)}`;
    await withStore(async (store) => {
      await store.saveService(service('svc', 'Orders'));
      await store.saveService(service('svc', 'orders', { kind: null, protectThreshold: 0, metadata: {}, selector: { type: 'none' }, clusters: [] }));
      await store.saveService(service('svc', 'café-ü'));
      await store.saveService(service('svc', long, { group: 'G.1:x-y' }));
      await store.saveService(service('svc', 'Orders', { protectThreshold: 0.8, kind: 'ephemeral' }));
      const mine = (await store.loadServices()).filter((s) => s.namespace === 'svc');
      assert.deepEqual(mine.map((s) => `${s.group}/${s.name}`).sort(), ['DEFAULT_GROUP/Orders', 'DEFAULT_GROUP/café-ü', 'DEFAULT_GROUP/orders', `G.1:x-y/${long}`].sort());
      assert.deepEqual(
        mine.find((s) => s.name === 'Orders'),
        service('svc', 'Orders', { protectThreshold: 0.8, kind: 'ephemeral' }),
      );
      assert.deepEqual(
        mine.find((s) => s.name === 'orders'),
        service('svc', 'orders', { kind: null, protectThreshold: 0, metadata: {}, selector: { type: 'none' }, clusters: [] }),
      );
      await store.deleteService({ namespace: 'svc', group: 'DEFAULT_GROUP', name: 'Orders' });
      await store.deleteService({ namespace: 'svc', group: 'DEFAULT_GROUP', name: 'absent' });
      assert.deepEqual(
        (await store.loadServices())
          .filter((s) => s.namespace === 'svc')
          .map((s) => s.name)
          .sort(),
        [long, 'café-ü', 'orders'].sort(),
      );
    });
  });

  test('persistent instances round-trip; one row per ip:port in a service; deletes are idempotent', async () => {
    await withStore(async (store) => {
      const v6 = instance('inst', 'fe80::1', 8080, { metadata: {}, weight: 0, enabled: false });
      await store.saveInstance(instance('inst', '10.0.0.7', 8080));
      await store.saveInstance(instance('inst', '10.0.0.7', 9090, { service: 'payments' }));
      await store.saveInstance(v6);
      // Re-registered into another cluster and marked unhealthy: replaces the row, not a second one.
      const moved = instance('inst', '10.0.0.7', 8080, { cluster: 'BACKUP', healthy: false, lastHealthChangeAt: 1_700_000_050_000, weight: 3 });
      await store.saveInstance(moved);
      const mine = () => store.loadInstances().then((all) => all.filter((i) => i.namespace === 'inst'));
      assert.deepEqual(await mine(), [moved, v6, instance('inst', '10.0.0.7', 9090, { service: 'payments' })]);
      await store.deleteInstance({ namespace: 'inst', group: 'DEFAULT_GROUP', service: 'orders', ip: '10.0.0.7', port: 8080 });
      await store.deleteInstance({ namespace: 'inst', group: 'DEFAULT_GROUP', service: 'orders', ip: '10.9.9.9', port: 1 });
      assert.deepEqual(await mine(), [v6, instance('inst', '10.0.0.7', 9090, { service: 'payments' })]);
    });
  });

  test('writeInstances saves, deletes and journals in one transaction', async () => {
    await withStore(async (store) => {
      const a = instance('batch', '10.0.1.1', 80);
      const b = instance('batch', '10.0.1.2', 80, { healthy: false });
      await store.writeInstances({ save: [a, b], remove: [], journal: [event(1, 1_000, { namespace: 'batch', ip: '10.0.1.1', port: 80 })] });
      await store.writeInstances({ save: [], remove: [{ namespace: 'batch', group: 'DEFAULT_GROUP', service: 'orders', ip: '10.0.1.1', port: 80 }], journal: [] });
      const mine = (await store.loadInstances()).filter((i) => i.namespace === 'batch');
      assert.deepEqual(mine, [b]);
      const events = (await store.loadJournal(0, 1000)).filter((e) => e.namespace === 'batch');
      assert.equal(events.length, 1);
      assert.equal(events[0].ip, '10.0.1.1');
      await store.writeInstances({ save: [], remove: [], journal: [] });
      // The journal tests below read the whole journal: leave nothing behind (this event is the only one this old).
      await store.pruneJournal(1_001, 1_000_000);
    });
  });

  test('operator overlays round-trip per cluster; unset fields stay unset; saving again replaces', async () => {
    await withStore(async (store) => {
      const full = overlay('ovl', '10.0.0.7', 8080, { enabled: false, weight: 0, metadata: { drained: 'yes' } });
      const partial = overlay('ovl', '10.0.0.7', 8080, { cluster: 'BACKUP', weight: 5 });
      await store.saveOverlay(full);
      await store.saveOverlay(partial);
      await store.saveOverlay(overlay('ovl', '10.0.0.8', 8080, { enabled: true }));
      const mine = () => store.loadOverlays().then((all) => all.filter((o) => o.namespace === 'ovl'));
      assert.deepEqual(await mine(), [partial, full, overlay('ovl', '10.0.0.8', 8080, { enabled: true })]);
      // The operator clears the weight of BACKUP and sets enabled instead: nothing of the old row lingers.
      const replaced = overlay('ovl', '10.0.0.7', 8080, { cluster: 'BACKUP', enabled: false, updatedAt: 1_700_000_100_000 });
      await store.saveOverlay(replaced);
      await store.deleteOverlay({ namespace: 'ovl', group: 'DEFAULT_GROUP', service: 'orders', ip: '10.0.0.8', port: 8080, cluster: 'DEFAULT' });
      assert.deepEqual(await mine(), [replaced, full]);
    });
  });

  runJournalContract(withStore);
}
