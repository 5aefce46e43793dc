import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionOwnership } from './connection-owned.js';
import type { Instance, Service } from './model.js';
import { serviceKey } from './names.js';
import type { InstanceEvent } from './naming-events.js';
import { BEATER, CLIENT, ORDERS, T0, beat, beatEvery, causesOf, connectionClient, eventsOf, instanceAt, newRegistry, registration, standIn } from './testing/registry-fixture.js';

const A = connectionClient();
const B = connectionClient({ connectionId: `${T0}_10.0.0.8_40001`, ip: '10.0.0.8', port: 40001, appName: 'billing' });

test('a connection-held instance is never marked unhealthy or expired for want of beats', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  time.advance(3 * 3_600_000);
  assert.equal(instanceAt(registry)?.healthy, true, 'healthy after 3 h without a single beat');
  assert.deepEqual(causesOf(registry), ['INSTANCE_REGISTERED']);
  assert.equal(eventsOf(registry)[0].evidence.connectionId, A.connectionId);
});

test('closing a connection removes at once every instance it holds and only those, one event each citing it', () => {
  const { time, registry, bus } = newRegistry();
  const removals: InstanceEvent[] = [];
  bus.on('instance', (e) => {
    if (e.cause === 'CONNECTION_INSTANCE_REMOVED') removals.push(e);
  });
  registry.registerForConnection(registration({ port: 8080 }), A);
  registry.registerForConnection(registration({ port: 8081 }), A);
  registry.registerForConnection(registration({ name: 'stock', port: 8080 }), A);
  registry.registerForConnection(registration({ ip: '10.0.0.8', port: 8080 }), B);
  registry.registerInstance(registration({ ip: '10.0.0.9', port: 8080 }), CLIENT);
  time.advance(4_000);

  const removed = registry.connectionClosed(A.connectionId, 'LIVENESS_UNANSWERED', { silentMs: 20_000 });

  assert.equal(removed, 3);
  assert.deepEqual(removals.map((e) => `${e.service} ${e.ip}:${e.port}`).sort(), ['orders 10.0.0.7:8080', 'orders 10.0.0.7:8081', 'stock 10.0.0.7:8080']);
  for (const e of removals) {
    assert.equal(e.at, T0 + 4_000, 'removed at the close, not at a later timer');
    assert.equal(e.evidence.connectionId, A.connectionId);
    assert.equal(e.evidence.endedBy, 'LIVENESS_UNANSWERED');
    assert.equal(e.evidence.silentMs, 20_000);
    assert.equal(e.evidence.connectedForMs, 4_000);
    assert.equal(e.evidence.agent, 'Nacos-Java-Client:v2.3.2');
    assert.equal(e.evidence.appName, 'orders');
  }
  assert.equal(instanceAt(registry, '10.0.0.7', 8080), undefined);
  assert.ok(instanceAt(registry, '10.0.0.8', 8080), "another connection's instance stays");
  assert.ok(instanceAt(registry, '10.0.0.9', 8080), 'the HTTP instance stays');
  assert.deepEqual(registry.instancesOwnedBy(A.connectionId), []);
  assert.equal(registry.connectionClosed(A.connectionId, 'RESET'), 0, 'a second close finds nothing');
  assert.equal(registry.recentRemoval(ORDERS, '10.0.0.7', 8080)?.cause, 'CONNECTION_INSTANCE_REMOVED');
});

test('HTTP-beaten and connection-held instances live side by side in one service, each with its own lifecycle', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration({ ip: '10.0.0.9' }), CLIENT);
  registry.registerForConnection(registration(), A);
  beatEvery(time, registry, 5_000, 10_000, beat({ ip: '10.0.0.9' }));
  time.advance(30_000); // the HTTP client stops beating
  assert.equal(instanceAt(registry, '10.0.0.9'), undefined, 'the silent HTTP instance expired');
  assert.equal(instanceAt(registry)?.healthy, true, 'the connection-held one is untouched');
  assert.deepEqual(
    registry.query(ORDERS, { clusters: [], healthyOnly: false }).hosts.map((h) => h.ip),
    ['10.0.0.7'],
  );
  registry.connectionClosed(A.connectionId, 'CLIENT_CLOSED');
  assert.equal(registry.service(ORDERS)?.instances.size, 0);
});

test('a light HTTP beat for a connection-held address answers 20404 and takes nothing over', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  time.advance(5_000);
  assert.equal(registry.beat(beat(), BEATER).code, 20404);
  assert.equal(instanceAt(registry)?.holders?.beats, false);
  registry.connectionClosed(A.connectionId, 'CLIENT_CLOSED');
  assert.equal(instanceAt(registry), undefined);
});

test('an HTTP beat with instance data adds an HTTP hold: the instance outlives its connection while beats last', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  assert.equal(registry.beat(beat({ body: { weight: 1, metadata: {} } }), BEATER).code, 10200);
  beatEvery(time, registry, 5_000, 20_000);
  registry.connectionClosed(A.connectionId, 'RESET');
  assert.ok(instanceAt(registry), 'still beaten over HTTP');
  assert.ok(!causesOf(registry).includes('CONNECTION_INSTANCE_REMOVED'));
  time.advance(30_000);
  assert.equal(instanceAt(registry), undefined, 'expired once the beats stopped too');
  assert.equal(causesOf(registry).at(-1), 'INSTANCE_EXPIRED');
});

test('an HTTP deregistration cannot remove an instance a connection holds', () => {
  const { registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  assert.equal(registry.deregisterInstance({ ...ORDERS, ip: '10.0.0.7', port: 8080 }, CLIENT), false);
  assert.ok(instanceAt(registry));
  const ignored = eventsOf(registry).at(-1)!;
  assert.equal(ignored.cause, 'DEREGISTRATION_IGNORED');
  assert.equal(ignored.evidence.connectionId, A.connectionId);
});

test('an HTTP registration of a connection-held address adds a hold; the HTTP instance then expires without beats', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  registry.registerInstance(registration({ metadata: { by: 'http' } }), CLIENT);
  assert.equal(instanceAt(registry)?.metadata.by, 'http', 'one entry per address, with the latest registration');
  time.advance(60_000);
  assert.ok(instanceAt(registry), 'the connection keeps it while it lives');
  registry.connectionClosed(A.connectionId, 'CLIENT_CLOSED');
  assert.ok(instanceAt(registry), 'HTTP still holds it at the close');
  time.advance(0);
  assert.equal(instanceAt(registry), undefined, 'its beats are long overdue, so it expires at once');
  assert.equal(causesOf(registry).at(-1), 'INSTANCE_EXPIRED');
});

test('two connections holding one address: it stays until the last of them ends', () => {
  const { registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  registry.registerForConnection(registration(), B);
  assert.equal(registry.connectionClosed(A.connectionId, 'CLIENT_CLOSED'), 0);
  assert.ok(instanceAt(registry));
  assert.equal(registry.connectionClosed(B.connectionId, 'CLIENT_CLOSED'), 1);
  assert.equal(instanceAt(registry), undefined);
});

test('a re-registration from the same connection updates the instance', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration({ weight: 1 }), A);
  time.advance(1_000);
  registry.registerForConnection(registration({ weight: 3, metadata: { v: '2' } }), A);
  const instance = instanceAt(registry);
  assert.equal(instance?.weight, 3);
  assert.equal(instance?.metadata.v, '2');
  assert.equal(instance?.holders?.connections.length, 1);
  assert.deepEqual(causesOf(registry), ['INSTANCE_REGISTERED', 'INSTANCE_REREGISTERED']);
  assert.equal(registry.instancesOwnedBy(A.connectionId).length, 1);
});

test('a connection deregisters only what it holds', () => {
  const { registry } = newRegistry();
  registry.registerForConnection(registration(), A);
  registry.registerForConnection(registration({ port: 9090 }), B);
  assert.equal(registry.deregisterForConnection({ ...ORDERS, ip: '10.0.0.7', port: 9090 }, A), false, "B's instance is not A's to remove");
  assert.ok(instanceAt(registry, '10.0.0.7', 9090));
  assert.equal(registry.deregisterForConnection({ ...ORDERS, ip: '10.0.0.7', port: 8080 }, A), true);
  const last = eventsOf(registry).at(-1)!;
  assert.equal(last.cause, 'INSTANCE_DEREGISTERED');
  assert.equal(last.evidence.connectionId, A.connectionId);
  assert.equal(instanceAt(registry), undefined);
  assert.equal(registry.connectionClient(A.connectionId), undefined, 'a connection holding nothing is forgotten');
});

test('a batch replaces the connection’s set in that service and leaves its other services alone', () => {
  const { registry } = newRegistry();
  registry.registerForConnection(registration({ port: 1 }), A);
  registry.registerForConnection(registration({ port: 2 }), A);
  registry.registerForConnection(registration({ name: 'stock', port: 1 }), A);
  registry.batchRegisterForConnection(ORDERS, [registration({ port: 2 }), registration({ port: 3 })], A);
  assert.deepEqual([...registry.service(ORDERS)!.instances.keys()].sort(), ['10.0.0.7:2', '10.0.0.7:3']);
  assert.deepEqual(
    registry
      .instancesOwnedBy(A.connectionId)
      .map((o) => `${o.service.name}:${o.instance.port}`)
      .sort(),
    ['orders:2', 'orders:3', 'stock:1'],
  );
});

test('a batch with one bad instance changes nothing', () => {
  const { registry } = newRegistry();
  registry.registerForConnection(registration({ port: 1 }), A);
  assert.throws(() => registry.batchRegisterForConnection(ORDERS, [registration({ port: 2 }), registration({ port: 70_000 })], A), { code: 'INVALID_PARAM' });
  assert.deepEqual([...registry.service(ORDERS)!.instances.keys()], ['10.0.0.7:1']);
});

test('a batch looks its service up once and checks each instance once; later entries go to the service the first created', () => {
  const calls = { service: 0, check: 0 };
  const upsertedInto: (Service | undefined)[] = [];
  const created = { namespace: ORDERS.namespace, group: ORDERS.group, name: ORDERS.name, key: serviceKey(ORDERS), instances: new Map() } as unknown as Service;
  const ownership = new ConnectionOwnership({
    now: () => T0,
    service: () => {
      calls.service++;
      return undefined;
    },
    check: () => {
      calls.check++;
    },
    checkBatch: () => undefined,
    upsert: (cmd, _origin, _connection, found) => {
      upsertedInto.push(found);
      return { service: found ?? created, instance: { ip: cmd.ip, port: cmd.port } as unknown as Instance };
    },
    remove: () => undefined,
    resumeBeats: () => undefined,
  });
  ownership.batchRegister(ORDERS, [registration({ port: 1 }), registration({ port: 2 }), registration({ port: 3 })], A, 'gRPC BatchInstanceRequest');
  assert.deepEqual(calls, { service: 1, check: 3 });
  assert.deepEqual(upsertedInto, [undefined, created, created]);
  assert.equal(ownership.instancesOf(A.connectionId).length, 3);
});

test('a connection cannot hold a persistent instance', () => {
  const { registry } = newRegistry();
  assert.throws(() => registry.registerForConnection(registration({ ephemeral: false }), A), { code: 'INVALID_PARAM', field: 'ephemeral' });
  assert.equal(registry.service(ORDERS), undefined);
});

test("taking over a lost node's instances: kept by beats from its last renewal, so a silent one leaves on its own timeouts and a beating one stays", () => {
  const { time, registry } = newRegistry();
  const lostNode = standIn();
  registry.registerForConnection(registration({ port: 8080 }), lostNode);
  registry.registerForConnection(registration({ port: 8081 }), lostNode);
  registry.registerForConnection(registration({ port: 8082 }), lostNode);
  registry.registerForConnection(registration({ port: 8082 }), A); // also held by a client connected here
  time.advance(60_000);
  const renewedAt = time.now() - 10_000; // the lost node's last renewal, a lease ago

  const taken = registry.takeOverExpiry(lostNode.connectionId, renewedAt, { reason: 'owner-lost', from: '10.0.0.2:8848' });

  assert.equal(taken, 2, 'the one a connection here still holds stays that connection’s');
  assert.deepEqual(registry.instancesOwnedBy(lostNode.connectionId), []);
  const changed = eventsOf(registry).filter((e) => e.cause === 'OWNER_CHANGED');
  assert.deepEqual(changed.map((e) => e.port).sort(), [8080, 8081]);
  assert.equal(changed[0].evidence.lastBeatAt, renewedAt);
  assert.equal(changed[0].evidence.from, '10.0.0.2:8848');
  time.advance(4_000);
  assert.equal(instanceAt(registry, '10.0.0.7', 8080)?.healthy, true, 'healthy until 15 s after the last renewal');
  registry.beat(beat({ port: 8081 }), CLIENT); // its client is alive and beats here
  time.advance(2_000);
  assert.equal(instanceAt(registry, '10.0.0.7', 8080)?.healthy, false, 'unhealthy 15 s after the last renewal');
  time.advance(15_000);
  assert.equal(instanceAt(registry, '10.0.0.7', 8080), undefined, 'removed 30 s after the last renewal');
  assert.equal(registry.recentRemoval(ORDERS, '10.0.0.7', 8080)?.cause, 'INSTANCE_EXPIRED');
  assert.ok(instanceAt(registry, '10.0.0.7', 8081), 'its client beat here: it stays');
  assert.equal(instanceAt(registry, '10.0.0.7', 8082)?.healthy, true, 'held by the connection here');
});
