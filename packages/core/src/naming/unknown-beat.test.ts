import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../shared/errors.js';
import { BEATER, CLIENT, beat, eventsOf, instanceAt, newRegistry, registration } from './testing/registry-fixture.js';

test('a beat without body for an unknown instance answers 20404 and is journaled once a minute per address', () => {
  const { time, registry } = newRegistry();
  const result = registry.beat(beat(), BEATER);
  assert.equal(result.code, 20404);
  assert.equal(result.recreated, false);
  assert.equal(result.clientBeatIntervalMs, 5_000);
  assert.equal(instanceAt(registry), undefined, 'nothing is created');
  for (let i = 0; i < 11; i++) {
    time.advance(5_000);
    assert.equal(registry.beat(beat(), BEATER).code, 20404);
  }
  registry.beat(beat({ port: 9999 }), BEATER); // another address is logged on its own
  assert.equal(eventsOf(registry, { cause: 'BEAT_UNKNOWN_INSTANCE', port: 8080 }).length, 1, 'one event in the first minute');
  assert.equal(eventsOf(registry, { cause: 'BEAT_UNKNOWN_INSTANCE', port: 9999 }).length, 1);
  time.advance(5_000); // 60 s after the first
  registry.beat(beat(), BEATER);
  const events = eventsOf(registry, { cause: 'BEAT_UNKNOWN_INSTANCE', port: 8080 });
  assert.equal(events.length, 2, 'a second event after a minute');
  assert.equal(events[1].evidence.from, '10.0.0.7');
  assert.equal(events[1].evidence.agent, 'Nacos-Java-Client:v1.4.1');
});

test('a beat with body for an unknown instance re-creates it with weight and metadata from the body', () => {
  const { registry } = newRegistry();
  const result = registry.beat(beat({ body: { weight: 2.5, metadata: { zone: 'b' } } }), BEATER);
  assert.deepEqual(result, { code: 10200, clientBeatIntervalMs: 5_000, recreated: true });
  const instance = instanceAt(registry)!;
  assert.equal(instance.weight, 2.5);
  assert.deepEqual(instance.metadata, { zone: 'b' });
  assert.equal(instance.ephemeral, true);
  assert.equal(instance.healthy, true);
  const events = eventsOf(registry, { ip: '10.0.0.7' });
  assert.deepEqual(
    events.map((e) => e.cause),
    ['INSTANCE_RECREATED_FROM_BEAT'],
  );
  assert.equal(events[0].evidence.removedAgoMs, undefined, 'never removed before: no removal evidence');
});

test('a re-creation shortly after a deregistration carries removedAgoMs and who removed it', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  time.advance(3_000);
  registry.deregisterInstance(beat(), { ip: '192.168.1.20', via: 'DELETE /nacos/v1/ns/instance', claimedUser: 'ops' });
  time.advance(2_000);
  registry.beat(beat({ body: { weight: 1, metadata: {} } }), BEATER);
  const recreated = eventsOf(registry, { cause: 'INSTANCE_RECREATED_FROM_BEAT' })[0];
  assert.equal(recreated.evidence.removedAgoMs, 2_000);
  assert.equal(recreated.evidence.removedBy, 'INSTANCE_DEREGISTERED');
  assert.equal(recreated.evidence.removedVia, 'DELETE /nacos/v1/ns/instance');
  assert.equal(recreated.evidence.removedFrom, '192.168.1.20');
  assert.equal(registry.recentRemoval(registration(), '10.0.0.7', 8080)?.cause, 'INSTANCE_DEREGISTERED');
});

test('a removal older than the memory window is not reported as recent', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  registry.deregisterInstance(beat(), CLIENT);
  time.advance(2 * 3_600_000);
  registry.beat(beat({ body: {} }), BEATER);
  assert.equal(eventsOf(registry, { cause: 'INSTANCE_RECREATED_FROM_BEAT' })[0].evidence.removedAgoMs, undefined);
  assert.equal(registry.recentRemoval(registration(), '10.0.0.7', 8080), undefined);
});

test('a re-creation from a beat obeys the registration rules, and the refusal is journaled once a minute', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration({ ip: '10.0.0.8', ephemeral: false }), CLIENT);
  for (let i = 0; i < 6; i++) {
    assert.throws(() => registry.beat(beat({ body: { weight: 1 } }), BEATER), { code: 'SERVICE_KIND_MISMATCH' });
    time.advance(5_000);
  }
  assert.equal(eventsOf(registry, { cause: 'REGISTRATION_REJECTED' }).length, 1);
  const badTiming = beat({ port: 8081, body: { metadata: { 'preserved.heart.beat.interval': '20000' } } });
  assert.throws(
    () => registry.beat({ ...badTiming, name: 'payments' }, BEATER),
    (error: unknown) => error instanceof DomainError && error.field === 'metadata',
  );
});
