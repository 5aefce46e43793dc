import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEATER, CLIENT, OPERATOR, ORDERS, beat, eventsOf, instanceAt, newRegistry, registration } from './testing/registry-fixture.js';

const everyCluster = { clusters: [], healthyOnly: false };
const edit = { ...ORDERS, ip: '10.0.0.7', port: 8080, cluster: 'DEFAULT' };

test('PATCH enabled=false and weight survive expiry and re-registration', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration({ weight: 1 }), CLIENT);
  registry.registerInstance(registration({ ip: '10.0.0.8' }), CLIENT);
  registry.patchInstance({ ...edit, enabled: false }, OPERATOR);
  registry.patchInstance({ ...edit, weight: 7 }, OPERATOR); // a second patch keeps the first one's field
  assert.deepEqual(
    registry.query(ORDERS, everyCluster).hosts.map((h) => h.ip),
    ['10.0.0.8'],
    'query() hides the disabled instance',
  );

  time.advance(30_000);
  assert.equal(instanceAt(registry), undefined, 'expired');
  registry.registerInstance(registration({ weight: 1, enabled: true }), CLIENT);
  registry.registerInstance(registration({ ip: '10.0.0.8' }), CLIENT);
  assert.ok(instanceAt(registry), 'registered again');
  assert.deepEqual(
    registry.query(ORDERS, everyCluster).hosts.map((h) => h.ip),
    ['10.0.0.8'],
    'still hidden after re-registration',
  );

  registry.patchInstance({ ...edit, enabled: true }, OPERATOR);
  const host = registry.query(ORDERS, everyCluster).hosts.find((h) => h.ip === '10.0.0.7');
  assert.equal(host?.enabled, true);
  assert.equal(host?.weight, 7, 'the overlay weight wins over the registered weight');
  assert.equal(instanceAt(registry)?.weight, 1, 'the registered weight itself is unchanged');
  const edits = eventsOf(registry, { cause: 'INSTANCE_EDITED' });
  assert.equal(edits.length, 3);
  assert.equal(edits[0].evidence.enabled, false);
  assert.equal(edits[0].evidence.claimedUser, 'ops');
});

test('PUT update writes an overlay even before the instance returns, and keeps it across re-creation from beats', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  registry.updateInstance({ ...edit, weight: 3, enabled: false, metadata: { owner: 'team-a' } }, OPERATOR);
  registry.deregisterInstance(beat(), CLIENT);
  time.advance(1_000);
  registry.beat(beat({ body: { weight: 1, metadata: { zone: 'b' } } }), BEATER);
  assert.equal(registry.query(ORDERS, everyCluster).hosts.length, 0, 'hidden while disabled');
  registry.updateInstance({ ...edit, weight: 3, enabled: true }, OPERATOR);
  const [host] = registry.query(ORDERS, everyCluster).hosts;
  assert.equal(host.weight, 3);
  assert.deepEqual(host.metadata, { zone: 'b' }, 'PUT without metadata replaces the overlay metadata');
});

test('an overlay applies only to its cluster', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration({ cluster: 'B' }), CLIENT);
  registry.updateInstance({ ...edit, cluster: 'A', enabled: false }, OPERATOR);
  assert.equal(registry.query(ORDERS, everyCluster).hosts.length, 1);
});

test('PATCH of an instance that does not exist is refused', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  assert.throws(() => registry.patchInstance({ ...edit, port: 9999, enabled: false }, OPERATOR), { code: 'INSTANCE_NOT_FOUND' });
  assert.throws(() => registry.patchInstance({ ...edit, name: 'nope', enabled: false }, OPERATOR), { code: 'SERVICE_NOT_FOUND' });
});

test('preserved.* timeouts set by an operator win over the registered ones, and are checked like a registration', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  registry.patchInstance({ ...edit, metadata: { 'preserved.heart.beat.timeout': '30000', 'preserved.ip.delete.timeout': '60000' } }, OPERATOR);
  time.advance(29_999);
  assert.equal(instanceAt(registry)?.healthy, true, 'the overlay timeout of 30 s applies, not the default 15 s');
  time.advance(1);
  assert.equal(instanceAt(registry)?.healthy, false);
  assert.throws(() => registry.patchInstance({ ...edit, metadata: { 'preserved.heart.beat.timeout': '1000' } }, OPERATOR), { code: 'INVALID_PARAM', field: 'metadata' });
  // A re-registration keeps the operator's timeouts.
  registry.registerInstance(registration(), CLIENT);
  assert.equal(instanceAt(registry)?.timing.timeoutMs, 30_000);
});

test('instanceView shows the overlay and refuses another cluster', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  registry.patchInstance({ ...edit, weight: 7 }, OPERATOR);
  assert.equal(registry.instanceView(ORDERS, '10.0.0.7', 8080, 'DEFAULT').weight, 7);
  assert.throws(() => registry.instanceView(ORDERS, '10.0.0.7', 8080, 'east'), { code: 'INSTANCE_NOT_FOUND' });
  assert.throws(() => registry.instanceView(ORDERS, '10.0.0.8', 8080, 'DEFAULT'), { code: 'INSTANCE_NOT_FOUND' });
});
