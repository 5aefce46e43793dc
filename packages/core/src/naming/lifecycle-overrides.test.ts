import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../shared/errors.js';
import { BEATER, CLIENT, beat, causesOf, eventsOf, instanceAt, newRegistry, registration } from './testing/registry-fixture.js';
import { PRESERVED } from './lifecycle-settings.js';

test("preserved.* metadata sets one instance's interval, timeout and delete timeout", () => {
  const { time, registry } = newRegistry();
  const metadata = { [PRESERVED.beatInterval]: '1000', [PRESERVED.beatTimeout]: '3000', [PRESERVED.deleteTimeout]: '9000' };
  const instance = registry.registerInstance(registration({ metadata }), CLIENT);
  registry.registerInstance(registration({ port: 8081 }), CLIENT);
  assert.deepEqual(instance.timing, { intervalMs: 1_000, timeoutMs: 3_000, deleteTimeoutMs: 9_000 });
  assert.equal(registry.beat(beat(), BEATER).clientBeatIntervalMs, 1_000, 'the beat answer tells the client its interval');
  time.advance(2_999);
  assert.equal(instanceAt(registry)?.healthy, true);
  time.advance(1);
  assert.equal(instanceAt(registry)?.healthy, false, 'unhealthy 3 s after its last beat');
  time.advance(6_000);
  assert.equal(instanceAt(registry), undefined, 'removed 9 s after its last beat');
  assert.equal(instanceAt(registry, '10.0.0.7', 8081)?.healthy, true, 'the instance without overrides keeps the defaults');
  const expired = eventsOf(registry, { cause: 'INSTANCE_EXPIRED' })[0];
  assert.equal(expired.evidence.deleteTimeoutMs, 9_000);
  assert.equal(eventsOf(registry, { cause: 'BEAT_MISSED' })[0].evidence.timeoutMs, 3_000);
});

test('non-numeric preserved values fall back to the server defaults', () => {
  const { registry } = newRegistry();
  const instance = registry.registerInstance(registration({ metadata: { [PRESERVED.beatTimeout]: '15s', [PRESERVED.deleteTimeout]: '-1' } }), CLIENT);
  assert.deepEqual(instance.timing, { intervalMs: 5_000, timeoutMs: 15_000, deleteTimeoutMs: 30_000 });
});

test('the Registry lifecycle option sets the server-wide defaults', () => {
  const { time, registry } = newRegistry({ lifecycle: { beatIntervalMs: 2_000, beatTimeoutMs: 6_000, deleteTimeoutMs: 12_000 } });
  const instance = registry.registerInstance(registration(), CLIENT);
  assert.deepEqual(instance.timing, { intervalMs: 2_000, timeoutMs: 6_000, deleteTimeoutMs: 12_000 });
  assert.equal(registry.lifecycle.beatTimeoutMs, 6_000);
  time.advance(5_999);
  assert.equal(instanceAt(registry)?.healthy, true);
  time.advance(1);
  assert.equal(instanceAt(registry)?.healthy, false);
  time.advance(6_000);
  assert.equal(instanceAt(registry), undefined);
});

test('a timeout shorter than the interval is refused with INVALID_PARAM naming metadata, and journaled', () => {
  const { registry } = newRegistry();
  const cmd = registration({ metadata: { [PRESERVED.beatInterval]: '10000', [PRESERVED.beatTimeout]: '5000' } });
  assert.throws(
    () => registry.registerInstance(cmd, CLIENT),
    (error: unknown) => {
      assert.ok(error instanceof DomainError);
      assert.equal(error.code, 'INVALID_PARAM');
      assert.equal(error.field, 'metadata');
      assert.match(error.message, /metadata/);
      assert.match(error.message, /5000 ms/);
      return true;
    },
  );
  assert.equal(instanceAt(registry), undefined);
  const rejected = eventsOf(registry, { cause: 'REGISTRATION_REJECTED' });
  assert.equal(rejected.length, 1);
  assert.equal(rejected[0].evidence.field, 'metadata');
});

test('a delete timeout shorter than the interval is refused too', () => {
  const { registry } = newRegistry();
  const cmd = registration({ metadata: { [PRESERVED.deleteTimeout]: '1000' } });
  assert.throws(() => registry.registerInstance(cmd, CLIENT), { code: 'INVALID_PARAM', field: 'metadata' });
});

test('a delete timeout between interval and timeout removes the still-healthy instance at the delete timeout', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration({ metadata: { [PRESERVED.deleteTimeout]: '10000' } }), CLIENT);
  time.advance(9_999);
  assert.equal(instanceAt(registry)?.healthy, true);
  time.advance(1);
  assert.equal(instanceAt(registry), undefined, 'removed at 10 s, not kept until the 15 s unhealthy mark');
  assert.deepEqual(causesOf(registry), ['INSTANCE_REGISTERED', 'INSTANCE_EXPIRED']);
});

test('expireInstances: false keeps unhealthy instances, and a beat still revives them', () => {
  const { time, registry } = newRegistry({ lifecycle: { expireInstances: false } });
  registry.registerInstance(registration(), CLIENT);
  time.advance(15_000);
  assert.equal(instanceAt(registry)?.healthy, false);
  time.advance(24 * 3_600_000);
  assert.equal(instanceAt(registry)?.healthy, false, 'still there a day later');
  assert.deepEqual(causesOf(registry), ['INSTANCE_REGISTERED', 'BEAT_MISSED']);
  registry.beat(beat(), BEATER);
  assert.equal(instanceAt(registry)?.healthy, true);
  time.advance(15_000);
  assert.equal(instanceAt(registry)?.healthy, false, 'and it turns unhealthy again 15 s after that beat');
});
