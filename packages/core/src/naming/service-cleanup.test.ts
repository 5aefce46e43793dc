import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT, ORDERS, T0, beat, eventsOf, newRegistry, registration } from './testing/registry-fixture.js';

test('an implicit service left empty is removed after emptyServiceTtlMs', () => {
  const { time, registry } = newRegistry({ lifecycle: { emptyServiceTtlMs: 60_000 } });
  registry.registerInstance(registration(), CLIENT);
  time.advance(30_000); // the instance expires at 30 s
  assert.ok(registry.service(ORDERS));
  time.advance(59_999);
  assert.ok(registry.service(ORDERS), 'kept 1 ms before the TTL');
  time.advance(1);
  assert.equal(registry.service(ORDERS), undefined, 'removed 60 s after it became empty');
  const [expired] = eventsOf(registry, { cause: 'SERVICE_EXPIRED_EMPTY' });
  assert.equal(expired.at, T0 + 90_000);
  assert.equal(expired.evidence.emptyForMs, 60_000);
  assert.equal(expired.service, 'orders');
});

test('a service created with createService is kept while empty', () => {
  const { time, registry } = newRegistry();
  registry.createService(ORDERS, { protectThreshold: 0.5 }, CLIENT);
  registry.registerInstance(registration(), CLIENT);
  registry.deregisterInstance(beat(), CLIENT);
  time.advance(24 * 3_600_000);
  assert.equal(registry.service(ORDERS)?.protectThreshold, 0.5);
  assert.equal(eventsOf(registry, { cause: 'SERVICE_EXPIRED_EMPTY' }).length, 0);
});

test('a service that gets an instance again before the TTL is kept, and its next empty spell counts afresh', () => {
  const { time, registry } = newRegistry({ lifecycle: { emptyServiceTtlMs: 60_000 } });
  registry.registerInstance(registration({ ephemeral: false }), CLIENT);
  registry.deregisterInstance(beat(), CLIENT);
  time.advance(50_000);
  registry.registerInstance(registration({ ephemeral: false }), CLIENT);
  time.advance(20_000); // past the first TTL
  assert.ok(registry.service(ORDERS), 'kept: it has an instance');
  registry.deregisterInstance(beat(), CLIENT); // empty again at 70 s
  time.advance(59_999);
  assert.ok(registry.service(ORDERS));
  time.advance(1);
  assert.equal(registry.service(ORDERS), undefined);
  assert.equal(eventsOf(registry, { cause: 'SERVICE_EXPIRED_EMPTY' }).length, 1);
});

test('a service created implicitly by a refused registration does not exist', () => {
  const { registry } = newRegistry();
  assert.throws(() => registry.registerInstance(registration({ port: 70_000 }), CLIENT));
  assert.equal(registry.serviceCount, 0);
});
