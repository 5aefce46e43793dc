import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEATER, CLIENT, OPERATOR, ORDERS, beat, beatEvery, eventsOf, newRegistry, registration, sourcesOf, standIn, takenOverFromLostOwner } from '../naming/testing/registry-fixture.js';
import { diagnose } from './diagnosis.js';

// T0 is 10:00:00 UTC; the fixture's client is 10.0.0.7 with agent Nacos-Java-Client:v1.4.1.

test('an expired instance: removed after 30 s without a heartbeat, with the last beat, its source and the cadence', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 60_000); // last beat at 10:01:00
  time.advance(30_000);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'absent');
  assert.equal(d.instance, null);
  assert.equal(d.lastTransition?.cause, 'INSTANCE_EXPIRED');
  assert.match(d.explanation, /^Removed at 10:01:30 after 30 s without a heartbeat;/);
  assert.match(d.explanation, /last beat 10:01:00 from 10\.0\.0\.7 \(Nacos-Java-Client:v1\.4\.1\)/);
  assert.match(d.explanation, /every 5\.0 s/);
  assert.match(d.explanation, /the client stopped or lost its network/);
  assert.equal(d.events[0].cause, 'INSTANCE_EXPIRED', 'events newest first');
});

test('an expired instance that never beat says so instead of quoting a cadence', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  time.advance(30_000);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.match(d.explanation, /registered 10:00:00 from 10\.0\.0\.7/);
  assert.match(d.explanation, /never beat after registering/);
});

test('an unhealthy instance: since when, after how long, and when it will be removed', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 60_000);
  time.advance(20_000);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'unhealthy');
  assert.match(d.explanation, /^Unhealthy since 10:01:15 after 15 s without a heartbeat; last beat 10:01:00 from 10\.0\.0\.7/);
  assert.match(d.explanation, /every 5\.0 s/);
  assert.match(d.explanation, /It will be removed at 10:01:30 unless a beat arrives\./);
  assert.equal(d.beats?.count, 12);
  assert.equal(d.instance?.lastBeatAt, d.lastTransition!.evidence.lastBeatAt);
});

test('deleted by request and re-created by its still-beating client', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 20_000);
  registry.deregisterInstance(beat(), { ip: '192.168.1.20', via: 'DELETE /nacos/v1/ns/instance', claimedUser: 'ops' });
  time.advance(4_500);
  registry.beat(beat({ body: { weight: 1, metadata: {} } }), BEATER);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'healthy');
  assert.equal(
    d.explanation,
    'Healthy again since 10:00:24; it was deleted at 10:00:20 by DELETE /nacos/v1/ns/instance from 192.168.1.20 (claiming to be user ops; not verified)'
      + ' and a heartbeat from its still-running client re-created it 4.5 s later. To keep it out of traffic, take it offline (enabled=false) instead of deleting it.'
      + ' Last beat 0 s ago from 10.0.0.7 (Nacos-Java-Client:v1.4.1).',
  );
  assert.deepEqual([d.lastOutage?.cause, d.lastOutage?.endedBy], ['INSTANCE_DEREGISTERED', 'INSTANCE_RECREATED_FROM_BEAT']);
});

test('a healthy client with repeated large gaps in the last hour is pausing', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 60_000);
  time.advance(12_000);
  registry.beat(beat(), BEATER);
  beatEvery(time, registry, 5_000, 30_000);
  time.advance(9_000);
  registry.beat(beat(), BEATER);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'healthy');
  assert.match(d.explanation, /^Healthy: last beat 0 s ago from 10\.0\.0\.7/);
  assert.match(d.explanation, /Largest gap 12\.0 s over the last hour \(2 late beats, expected every 5 s\)/);
  assert.match(d.explanation, /pausing/);
  assert.equal(d.beats?.maxGapLastHourMs, 12_000);
  assert.equal(d.beats?.lateBeats, 2);
});

test('a single late beat is reported as a hint, not as a pausing client', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 60_000);
  time.advance(12_000);
  registry.beat(beat(), BEATER);
  beatEvery(time, registry, 5_000, 30_000);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.match(d.explanation, /One beat arrived late in the last hour \(gap 12\.0 s, expected every 5 s\)/);
  assert.doesNotMatch(d.explanation, /pausing/);
});

test('a registered instance that has not beaten yet says so', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'healthy');
  assert.match(d.explanation, /^Healthy: registered 0 s ago from .*, no heartbeat yet \(the first is due within 5 s; unhealthy after 15 s without one\)\./);
});

test('a steady healthy client is not called pausing', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 60_000);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.doesNotMatch(d.explanation, /pausing/);
});

test('disabled by an operator', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  registry.patchInstance({ ...ORDERS, ip: '10.0.0.7', port: 8080, cluster: 'DEFAULT', enabled: false }, OPERATOR);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'disabled');
  assert.match(d.explanation, /^Taken offline by an operator at 10:00:00 \(PATCH \/nacos\/v1\/ns\/instance from 192\.168\.1\.20\)/);
  assert.equal(d.instance?.enabled, false);
});

test('a refused registration explains the refusal', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  assert.throws(() => registry.registerInstance(registration({ ip: '10.0.0.9', ephemeral: false }), CLIENT));
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.9', 8080);
  assert.equal(d.state, 'absent');
  assert.match(d.explanation, /^Its last registration, at 10:00:00 from 10\.0\.0\.7, was refused: /);
  assert.match(d.explanation, /ephemeral service/);
});

test('a refusal after a good registration is mentioned beside the live state', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  assert.throws(() => registry.registerInstance(registration({ ephemeral: false }), CLIENT));
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'healthy');
  assert.match(d.explanation, /A later registration at 10:00:00 from 10\.0\.0\.7 was refused: .*persistent instance/);
});

test('never seen here but registered in another namespace: a wrong-namespace hint', () => {
  const { registry } = newRegistry();
  registry.registerInstance(registration({ namespace: 'dev' }), CLIENT);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'unknown');
  assert.deepEqual(
    d.seenElsewhere.map((s) => [s.namespace, s.group, s.service]),
    [['dev', 'DEFAULT_GROUP', 'orders']],
  );
  assert.match(d.explanation, /registered in namespace 'dev', group 'DEFAULT_GROUP', service 'orders'/);
  assert.match(d.explanation, /namespace, group or service name likely differs/);
});

test('never seen anywhere', () => {
  const { registry } = newRegistry();
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'unknown');
  assert.deepEqual(d.seenElsewhere, []);
  assert.match(d.explanation, /^No event for 10\.0\.0\.7:8080 in public\/DEFAULT_GROUP\/orders/);
});

test('beats without data for a lost instance: the client must register again', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  time.advance(30_000);
  registry.beat(beat(), BEATER);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'absent');
  assert.match(d.explanation, /Heartbeats from 10\.0\.0\.7 \(Nacos-Java-Client:v1\.4\.1\) still arrive/);
  assert.match(d.explanation, /It left the registry at 10:00:30 \(INSTANCE_EXPIRED\)/);
});

test('cluster mode: an instance whose owner node died and whose client beat nowhere else is explained by that node’s death', () => {
  const { time, registry } = takenOverFromLostOwner(); // at 10:01:00; the owner's last renewal at 10:00:50
  time.advance(20_000);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.lastTransition?.cause, 'INSTANCE_EXPIRED');
  assert.equal(d.lastTransition?.at, time.now(), 'removed 30 s after the last renewal');
  assert.match(d.explanation, /^Removed at 10:01:20: its owner node 10\.0\.0\.2:8848 stopped renewing its lease at 10:00:50/);
  assert.match(d.explanation, /no beat reached this node or another one after that\. 10\.0\.0\.3:8848 took over its expiry at 10:01:00/);
});

test('cluster mode: an instance taken over from a lost owner node and unhealthy since says so, and when it will go', () => {
  const { time, registry } = takenOverFromLostOwner(); // at 10:01:00; the owner's last renewal at 10:00:50
  time.advance(6_000); // 15 s after the last renewal: unhealthy
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'unhealthy');
  assert.match(
    d.explanation,
    /^Unhealthy since 10:01:05: its owner node 10\.0\.0\.2:8848 stopped renewing its lease at 10:00:50 .*no beat reached this node or another one since\. 10\.0\.0\.3:8848 took over its expiry at 10:01:00\. It will be removed at 10:01:20 unless a beat arrives\.$/,
  );
});

test('cluster mode: an instance another node owns and marked unhealthy is explained with that node’s own evidence', () => {
  const owner = newRegistry();
  owner.registry.registerInstance(registration(), CLIENT);
  beatEvery(owner.time, owner.registry, 5_000, 60_000); // last beat at 10:01:00, on the owner
  owner.time.advance(16_000);
  const missed = eventsOf(owner.registry).find((e) => e.cause === 'BEAT_MISSED');
  assert.ok(missed);
  // This node holds it for the owner (a stand-in) and applies the owner's change a moment later.
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), standIn(), 'cluster change log');
  time.advance(76_500);
  registry.applyOwnerHealth(ORDERS, '10.0.0.7', 8080, false, { ip: '10.0.0.2:8848', via: 'cluster change log' }, { cause: 'BEAT_MISSED', evidence: missed.evidence });
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'unhealthy');
  assert.match(d.explanation, /^Unhealthy since 10:01:15 after 15 s without a heartbeat on its owner node 10\.0\.0\.2:8848; last beat 10:01:00 from 10\.0\.0\.7 \(Nacos-Java-Client:v1\.4\.1\); beats before that arrived every 5\.0 s/);
  assert.match(d.explanation, /It will be removed at 10:01:30 unless a beat arrives\.$/);
});

test('cluster mode: a healthy instance another node owns names that node, not a client connection', () => {
  const { time, registry } = newRegistry();
  registry.registerForConnection(registration(), standIn(), 'cluster change log');
  time.advance(5_000);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.match(d.explanation, /^Healthy: owned by cluster node 10\.0\.0\.2:8848 \(its client beats or connects there\)/);
});
