import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEATER, CLIENT, T0, beat, beatEvery, causesOf, eventsOf, instanceAt, newRegistry, registration } from './testing/registry-fixture.js';

test('an ephemeral instance without beats turns unhealthy at exactly 15 s and is removed at exactly 30 s', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  time.advance(14_999);
  assert.equal(instanceAt(registry)?.healthy, true, 'still healthy 1 ms before the timeout');
  time.advance(1);
  assert.equal(time.now(), T0 + 15_000);
  assert.equal(instanceAt(registry)?.healthy, false, 'unhealthy at the timeout');
  time.advance(14_999);
  assert.ok(instanceAt(registry), 'still present 1 ms before the delete timeout');
  time.advance(1);
  assert.equal(instanceAt(registry), undefined, 'removed at the delete timeout');

  const events = eventsOf(registry, { ip: '10.0.0.7', port: 8080 });
  assert.deepEqual(
    events.map((e) => e.cause),
    ['INSTANCE_REGISTERED', 'BEAT_MISSED', 'INSTANCE_EXPIRED'],
  );
  const [, missed, expired] = events;
  assert.equal(missed.at, T0 + 15_000);
  assert.equal(missed.healthy, false);
  assert.equal(missed.evidence.lastBeatAt, T0);
  assert.equal(missed.evidence.timeoutMs, 15_000);
  assert.equal(missed.evidence.beats, 0);
  assert.equal(expired.at, T0 + 30_000);
  assert.equal(expired.evidence.lastBeatAt, T0);
  assert.equal(expired.evidence.deleteTimeoutMs, 30_000);
  assert.equal(expired.evidence.silentMs, 30_000);
  assert.equal(expired.evidence.beats, 0);
  assert.equal(expired.evidence.lastBeatFrom, '10.0.0.7');
  assert.equal(expired.evidence.agent, 'Nacos-Java-Client:v1.4.1');
});

test('beats every 5 s keep an instance healthy for ten minutes, and the evidence counts them', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 600_000);
  assert.equal(instanceAt(registry)?.healthy, true);
  assert.deepEqual(causesOf(registry), ['INSTANCE_REGISTERED']);
  time.advance(15_000);
  const missed = eventsOf(registry, { cause: 'BEAT_MISSED' });
  assert.equal(missed.length, 1);
  assert.equal(missed[0].at, T0 + 615_000, 'unhealthy 15 s after the last beat');
  assert.equal(missed[0].evidence.beats, 120);
  assert.equal(missed[0].evidence.meanGapMs, 5_000);
});

test('a beat revives an unhealthy instance and the next deadline counts from that beat', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  time.advance(20_000);
  assert.equal(instanceAt(registry)?.healthy, false);
  registry.beat(beat(), BEATER);
  assert.equal(instanceAt(registry)?.healthy, true);
  const resumed = eventsOf(registry, { cause: 'BEAT_RESUMED' });
  assert.equal(resumed.length, 1);
  assert.equal(resumed[0].evidence.silentMs, 20_000, 'silence since registration, though this is the first beat');
  time.advance(14_999);
  assert.equal(instanceAt(registry)?.healthy, true, 'the old delete deadline at 30 s must not remove it');
  time.advance(1);
  assert.equal(instanceAt(registry)?.healthy, false, 'unhealthy again 15 s after the reviving beat');
  time.advance(15_000);
  assert.equal(instanceAt(registry), undefined, 'removed 30 s after the reviving beat');
});

test('with a delete timeout much larger than 2x the timeout, a revived instance turns unhealthy exactly 15 s after its beat', () => {
  const { time, registry } = newRegistry({ lifecycle: { beatTimeoutMs: 15_000, deleteTimeoutMs: 60_000 } });
  registry.registerInstance(registration(), CLIENT);
  time.advance(15_000);
  assert.equal(instanceAt(registry)?.healthy, false);
  time.advance(1_000);
  registry.beat(beat(), BEATER); // at 16 s
  assert.equal(instanceAt(registry)?.healthy, true);
  time.advance(14_999);
  assert.equal(instanceAt(registry)?.healthy, true, 'healthy at 30.999 s');
  time.advance(1);
  assert.equal(time.now(), T0 + 31_000);
  assert.equal(instanceAt(registry)?.healthy, false, 'unhealthy at exactly 31 s');
  time.advance(44_999);
  assert.ok(instanceAt(registry), 'present until 76 s');
  time.advance(1);
  assert.equal(instanceAt(registry), undefined, 'removed at 16 s + 60 s');
  assert.deepEqual(causesOf(registry), ['INSTANCE_REGISTERED', 'BEAT_MISSED', 'BEAT_RESUMED', 'BEAT_MISSED', 'INSTANCE_EXPIRED']);
});

test('a re-registration of an unhealthy instance makes it healthy and restarts its deadlines', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  time.advance(20_000);
  registry.registerInstance(registration({ weight: 3 }), CLIENT);
  const instance = instanceAt(registry)!;
  assert.equal(instance.healthy, true);
  assert.equal(instance.unhealthySince, undefined);
  assert.equal(instance.weight, 3);
  time.advance(14_999);
  assert.equal(instanceAt(registry)?.healthy, true);
  time.advance(1);
  assert.equal(instanceAt(registry)?.healthy, false);
});

test('a deregistered instance leaves no deadline behind', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  assert.equal(registry.deregisterInstance({ ...beat(), cluster: undefined }, CLIENT), true);
  time.advance(60_000);
  assert.deepEqual(causesOf(registry, { ip: '10.0.0.7' }), ['INSTANCE_REGISTERED', 'INSTANCE_DEREGISTERED']);
});

test('persistent instances have no beat deadlines', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration({ ephemeral: false }), CLIENT);
  time.advance(3_600_000);
  assert.equal(instanceAt(registry)?.healthy, true);
  assert.deepEqual(causesOf(registry, { ip: '10.0.0.7' }), ['INSTANCE_REGISTERED']);
});

test('many instances each turn unhealthy at their own deadline', () => {
  const { time, registry } = newRegistry();
  for (let i = 0; i < 50; i++) {
    registry.registerInstance(registration({ port: 9000 + i }), CLIENT);
    time.advance(100);
  }
  // The first registered at T0, the last at T0 + 4.9 s; check the state 1 ms either side of each deadline.
  time.advance(15_000 - 5_000 - 1);
  for (let i = 0; i < 50; i++) {
    assert.equal(instanceAt(registry, '10.0.0.7', 9000 + i)?.healthy, true, `port ${9000 + i} healthy before its deadline`);
    time.advance(1);
    assert.equal(instanceAt(registry, '10.0.0.7', 9000 + i)?.healthy, false, `port ${9000 + i} unhealthy at its deadline`);
    time.advance(99);
  }
  assert.deepEqual(
    eventsOf(registry, { cause: 'BEAT_MISSED' }).map((e) => e.port),
    Array.from({ length: 50 }, (_, i) => 9000 + i),
  );
});
