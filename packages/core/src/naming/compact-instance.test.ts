import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredInstance } from './store/stored-records.js';
import { knownMetadata } from './shared-values.js';
import { storedInstanceOf } from './store/restore-records.js';
import { BEATER, CLIENT, T0, beat, newRegistry, registration } from './testing/registry-fixture.js';

const ORDERS = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'orders' };

function stored(instanceId: string): StoredInstance {
  return { namespace: 'public', group: 'DEFAULT_GROUP', service: 'orders', ip: '127.0.0.7', port: 8080, cluster: 'DEFAULT', weight: 1, enabled: true, healthy: true, metadata: {}, instanceId, registeredAt: 0, lastHealthChangeAt: 0 };
}

test('the instance id is built from address, cluster and service when read, and follows a re-registration into another cluster', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  const { ip, port } = registration();
  assert.equal(registry.instanceView(ORDERS, ip, port, 'DEFAULT').instanceId, `${ip}#${port}#DEFAULT#DEFAULT_GROUP@@orders`);
  registry.registerInstance({ ...registration(), cluster: 'east' }, CLIENT);
  assert.equal(registry.instanceView(ORDERS, ip, port, 'east').instanceId, `${ip}#${port}#east#DEFAULT_GROUP@@orders`);
});

test('a restored instance keeps a stored id that differs from the built one, until it registers again', () => {
  const { registry } = newRegistry();
  registry.restore({ services: [], overlays: [], instances: [stored('legacy-id-7')] });
  assert.equal(registry.instanceView(ORDERS, '127.0.0.7', 8080, 'DEFAULT').instanceId, 'legacy-id-7');
  const found = registry.findInstance(ORDERS, '127.0.0.7', 8080)!;
  assert.equal(storedInstanceOf(found.service, found.instance, 0).instanceId, 'legacy-id-7');
  registry.registerInstance({ ...registration(), ip: '127.0.0.7', ephemeral: false }, CLIENT);
  assert.equal(registry.instanceView(ORDERS, '127.0.0.7', 8080, 'DEFAULT').instanceId, '127.0.0.7#8080#DEFAULT#DEFAULT_GROUP@@orders');
});

test('a restored instance whose stored id is the built one keeps no copy of it', () => {
  const { registry } = newRegistry();
  registry.restore({ services: [], overlays: [], instances: [stored('127.0.0.7#8080#DEFAULT#DEFAULT_GROUP@@orders')] });
  const found = registry.findInstance(ORDERS, '127.0.0.7', 8080)!;
  assert.equal(found.instance.instanceId, undefined);
  assert.equal(registry.instanceView(ORDERS, '127.0.0.7', 8080, 'DEFAULT').instanceId, '127.0.0.7#8080#DEFAULT#DEFAULT_GROUP@@orders');
});

test('instances with the same timeouts share one timing object; other timeouts get their own', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration({ ip: '10.0.0.1' }), CLIENT);
  registry.registerInstance(registration({ ip: '10.0.0.2' }), CLIENT);
  registry.registerInstance(registration({ ip: '10.0.0.3', metadata: { 'preserved.heart.beat.timeout': '20000' } }), CLIENT);
  const timing = (ip: string) => registry.findInstance(ORDERS, ip, 8080)!.instance.timing;
  assert.equal(timing('10.0.0.1'), timing('10.0.0.2'));
  assert.ok(Object.isFrozen(timing('10.0.0.1')));
  assert.notEqual(timing('10.0.0.3'), timing('10.0.0.1'));
  assert.deepEqual(timing('10.0.0.3'), { intervalMs: 5_000, timeoutMs: 20_000, deleteTimeoutMs: 30_000 });
});

test('beat statistics are kept from the first beat on, counted from the registration', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  const instance = () => registry.findInstance(ORDERS, '10.0.0.7', 8080)!.instance;
  assert.equal(instance().beats, undefined);
  time.advance(5_000);
  registry.beat(beat(), BEATER);
  assert.deepEqual({ ...instance().beats }, { count: 1, firstAt: T0, lastAt: T0 + 5_000, lastGapMs: 0, maxGapMs: 0, maxGapAt: 0, lateCount: 0, gapSumMs: 0, windowStart: T0, windowMaxGapMs: 0, previousWindowMaxGapMs: 0 });
});

test('instances registered with equal metadata and cluster share one frozen copy of each', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration({ ip: '10.0.0.1', cluster: 'east', metadata: { app: 'shop', zone: 'a' } }), CLIENT);
  registry.registerInstance(registration({ ip: '10.0.0.2', cluster: ['ea', 'st'].join(''), metadata: { app: 'shop', zone: 'a' } }), CLIENT);
  registry.registerInstance(registration({ ip: '10.0.0.3', metadata: { zone: 'a', app: 'shop' } }), CLIENT);
  const instance = (ip: string) => registry.findInstance(ORDERS, ip, 8080)!.instance;
  assert.equal(instance('10.0.0.1').metadata, instance('10.0.0.2').metadata);
  assert.ok(Object.isFrozen(instance('10.0.0.1').metadata));
  assert.notEqual(instance('10.0.0.3').metadata, instance('10.0.0.1').metadata, 'another key order is other metadata');
  assert.deepEqual(registry.instanceView(ORDERS, '10.0.0.2', 8080, 'east').metadata, { app: 'shop', zone: 'a' });
  // A re-registration with new metadata replaces the instance's copy; the other instance keeps the old one.
  registry.registerInstance(registration({ ip: '10.0.0.2', cluster: 'east', metadata: { app: 'shop', zone: 'b' } }), CLIENT);
  assert.deepEqual(instance('10.0.0.1').metadata, { app: 'shop', zone: 'a' });
  assert.deepEqual(instance('10.0.0.2').metadata, { app: 'shop', zone: 'b' });
});

test('metadata registered once is found by its JSON text, and a request that brings that text reuses the kept copy', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration({ ip: '10.0.0.1', metadata: JSON.parse('{"app":"shop","zone":"z-17"}') }), CLIENT);
  const kept = registry.findInstance(ORDERS, '10.0.0.1', 8080)!.instance.metadata;
  assert.equal(knownMetadata('{"app":"shop","zone":"z-17"}'), kept);
  assert.ok(Object.isFrozen(kept));
  // Other text (another value, other key order, spacing) is not that copy.
  assert.equal(knownMetadata('{"app":"shop","zone":"z-18"}'), undefined);
  assert.equal(knownMetadata('{"zone":"z-17","app":"shop"}'), undefined);
  assert.equal(knownMetadata('{"app": "shop","zone":"z-17"}'), undefined);
  // The kept copy, brought by the next registration, is kept as it is.
  registry.registerInstance(registration({ ip: '10.0.0.2', metadata: knownMetadata('{"app":"shop","zone":"z-17"}')! }), CLIENT);
  assert.equal(registry.findInstance(ORDERS, '10.0.0.2', 8080)!.instance.metadata, kept);
  assert.deepEqual({ ...kept }, { app: 'shop', zone: 'z-17' });
});
