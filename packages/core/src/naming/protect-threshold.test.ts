import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEATER, CLIENT, ORDERS, beat, causesOf, eventsOf, newRegistry, registration } from './testing/registry-fixture.js';
import { reachesProtectThreshold } from './protect-threshold.js';

const PORTS = [8080, 8081, 8082, 8083];

/** Four instances; only the one on 8080 beats, so at 15 s one of four is healthy. */
function oneOfFourHealthy(threshold: number) {
  const fixture = newRegistry();
  const { time, registry } = fixture;
  registry.createService(ORDERS, { protectThreshold: threshold }, CLIENT);
  for (const port of PORTS) registry.registerInstance(registration({ port }), CLIENT);
  time.advance(10_000);
  registry.beat(beat({ port: 8080 }), BEATER);
  time.advance(5_000);
  return fixture;
}

test('threshold 0 never trips, even with every instance unhealthy', () => {
  assert.equal(reachesProtectThreshold(0, 0, 4), false);
  const { time, registry } = oneOfFourHealthy(0);
  time.advance(10_000); // 8080 misses too
  const all = registry.query(ORDERS, { clusters: [], healthyOnly: false });
  assert.equal(all.reachProtectionThreshold, false);
  assert.deepEqual(
    all.hosts.map((h) => h.healthy),
    [false, false, false, false],
  );
  assert.deepEqual(registry.query(ORDERS, { clusters: [], healthyOnly: true }).hosts, []);
  assert.equal(causesOf(registry).filter((c) => c.startsWith('PROTECT_')).length, 0);
});

test('threshold 0.5 with 1 of 4 healthy returns all 4 as healthy and says so', () => {
  const { registry } = oneOfFourHealthy(0.5);
  const result = registry.query(ORDERS, { clusters: [], healthyOnly: false });
  assert.equal(result.reachProtectionThreshold, true);
  assert.equal(result.hosts.length, 4);
  assert.ok(
    result.hosts.every((h) => h.healthy),
    'every host reported healthy',
  );
  assert.equal(registry.findInstance(ORDERS, '10.0.0.7', 8081)?.instance.healthy, false, 'the stored state is unchanged');
  assert.equal(registry.service(ORDERS)?.protectionReached, true);
});

test('healthyOnly=true still trips: the share is computed before the healthyOnly filter', () => {
  const { registry } = oneOfFourHealthy(0.5);
  const result = registry.query(ORDERS, { clusters: [], healthyOnly: true });
  assert.equal(result.reachProtectionThreshold, true);
  assert.deepEqual(result.hosts.map((h) => h.port).sort(), PORTS);
});

test('below the threshold nothing is forced: healthyOnly filters and unhealthy hosts say so', () => {
  const { registry } = oneOfFourHealthy(0.2);
  const all = registry.query(ORDERS, { clusters: [], healthyOnly: false });
  assert.equal(all.reachProtectionThreshold, false);
  assert.equal(all.hosts.filter((h) => h.healthy).length, 1);
  assert.deepEqual(
    registry.query(ORDERS, { clusters: [], healthyOnly: true }).hosts.map((h) => h.port),
    [8080],
  );
});

test('PROTECT_THRESHOLD_REACHED and _CLEARED are journaled on transitions only', () => {
  const { time, registry } = oneOfFourHealthy(0.5);
  const reached = eventsOf(registry, { cause: 'PROTECT_THRESHOLD_REACHED' });
  assert.equal(reached.length, 1, 'reached once, when the second instance went (2 of 4 = 0.5), not again at 1 of 4');
  assert.deepEqual({ healthy: reached[0].evidence.healthy, total: reached[0].evidence.total, threshold: reached[0].evidence.threshold }, { healthy: 2, total: 4, threshold: 0.5 });
  time.advance(1_000);
  registry.beat(beat({ port: 8081 }), BEATER); // 2 of 4: still at the threshold
  assert.equal(eventsOf(registry, { cause: 'PROTECT_THRESHOLD_CLEARED' }).length, 0);
  registry.beat(beat({ port: 8082 }), BEATER); // 3 of 4
  const cleared = eventsOf(registry, { cause: 'PROTECT_THRESHOLD_CLEARED' });
  assert.equal(cleared.length, 1);
  assert.equal(cleared[0].evidence.healthy, 3);
  assert.equal(registry.query(ORDERS, { clusters: [], healthyOnly: false }).reachProtectionThreshold, false);
});

test('disabled instances do not count toward the share, and the cluster filter narrows it', () => {
  const { registry } = newRegistry();
  registry.createService(ORDERS, { protectThreshold: 0.5 }, CLIENT);
  registry.registerInstance(registration({ port: 8080, ephemeral: false, healthy: true }), CLIENT);
  registry.registerInstance(registration({ port: 8081, ephemeral: false, healthy: false, cluster: 'B' }), CLIENT);
  assert.equal(registry.query(ORDERS, { clusters: [], healthyOnly: false }).reachProtectionThreshold, true, '1 of 2 = 0.5');
  assert.equal(registry.query(ORDERS, { clusters: ['DEFAULT'], healthyOnly: false }).reachProtectionThreshold, false, '1 of 1 in DEFAULT');
  registry.patchInstance({ ...ORDERS, ip: '10.0.0.7', port: 8081, cluster: 'B', enabled: false }, CLIENT);
  assert.equal(registry.query(ORDERS, { clusters: [], healthyOnly: false }).reachProtectionThreshold, false, 'the disabled one is left out');
  assert.equal(registry.service(ORDERS)?.protectionReached, false);
});
