import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../shared/errors.js';
import { CLIENT, ORDERS, eventsOf, instanceAt, newRegistry, registration } from './testing/registry-fixture.js';

function expectMismatch(error: unknown, kind: string, wanted: string, ip = '10.0.0.9'): true {
  assert.ok(error instanceof DomainError);
  assert.equal(error.code, 'SERVICE_KIND_MISMATCH');
  assert.equal(error.field, 'ephemeral');
  assert.match(error.message, new RegExp(`is an? ${kind} service`));
  assert.match(error.message, new RegExp(`can't register ${wanted} instance ${ip.replaceAll('.', '\\.')}:8080`));
  assert.match(error.message, /fixed by its first instance/, 'the message says why');
  return true;
}

test('a persistent instance into an ephemeral service is refused, with the reason journaled', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  assert.throws(
    () => registry.registerInstance(registration({ ip: '127.0.0.9', ephemeral: false }), CLIENT),
    (e) => expectMismatch(e, 'ephemeral', 'persistent', '127.0.0.9'),
  );
  assert.equal(instanceAt(registry, '127.0.0.9'), undefined);
  const rejected = eventsOf(registry, { cause: 'REGISTRATION_REJECTED' });
  assert.equal(rejected.length, 1);
  assert.equal(rejected[0].ip, '127.0.0.9');
  assert.equal(rejected[0].ephemeral, false);
  assert.equal(rejected[0].evidence.code, 'SERVICE_KIND_MISMATCH');
  assert.match(String(rejected[0].evidence.reason), /ephemeral service/);
  assert.equal(rejected[0].evidence.from, '10.0.0.7');
});

test('an ephemeral instance into a persistent service is refused', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration({ ephemeral: false }), CLIENT);
  assert.throws(
    () => registry.registerInstance(registration({ ip: '10.0.0.9' }), CLIENT),
    (e) => expectMismatch(e, 'persistent', 'ephemeral'),
  );
  assert.equal(eventsOf(registry, { cause: 'REGISTRATION_REJECTED' }).length, 1);
  assert.equal(registry.service(ORDERS)?.instances.size, 1);
});

test('a service created explicitly as persistent refuses ephemeral instances; one created without a kind takes either', () => {
  const { registry } = newRegistry();
  registry.createService(ORDERS, { kind: 'persistent' }, CLIENT);
  assert.throws(() => registry.registerInstance(registration({ ip: '10.0.0.9' }), CLIENT), { code: 'SERVICE_KIND_MISMATCH' });
  const open = { ...ORDERS, name: 'open' };
  registry.createService(open, {}, CLIENT);
  registry.registerInstance(registration({ ...open }), CLIENT);
  assert.equal(registry.service(open)?.kind, 'ephemeral');
});

test('invalid fields are refused with the field named', () => {
  const { registry } = newRegistry();
  assert.throws(() => registry.registerInstance(registration({ port: 0 }), CLIENT), { code: 'INVALID_PARAM', field: 'port' });
  assert.throws(() => registry.registerInstance(registration({ weight: -1 }), CLIENT), { code: 'INVALID_PARAM', field: 'weight' });
  assert.throws(() => registry.registerInstance(registration({ cluster: 'a b' }), CLIENT), { code: 'INVALID_PARAM', field: 'clusterName' });
  assert.throws(() => registry.registerInstance(registration({ ip: '999.1.1.1' }), CLIENT), { code: 'INVALID_PARAM', field: 'ip' });
  // Nacos's parameter checker lets '_' through, but its registration check does not.
  assert.throws(() => registry.registerInstance(registration({ cluster: 'zone_a' }), CLIENT), { code: 'INVALID_PARAM', field: 'clusterName' });
  assert.equal(eventsOf(registry, { cause: 'REGISTRATION_REJECTED' }).length, 5);
  assert.equal(registry.serviceCount, 0, 'a refused registration creates no service');
});
