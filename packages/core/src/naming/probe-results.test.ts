import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT, ORDERS, causesOf, eventsOf, instanceAt, newRegistry, registration } from './testing/registry-fixture.js';
import type { Origin } from './model.js';
import type { ProbeResult } from './probe-results.js';
import { probeTargetOf } from './probe-results.js';

// T0 is 10:00:00 UTC. Probes run every 5 s in these tests, as the server's default interval.
const OPERATOR: Origin = { ip: '192.168.1.20', via: 'PUT /nacos/v1/ns/health', claimedUser: 'ops' };

function persistent(overrides = {}) {
  return registration({ ephemeral: false, ...overrides });
}

function fail(error = 'ETIMEDOUT', failNow = false): ProbeResult {
  return { ok: false, failNow, probe: 'TCP', target: '10.0.0.7:8080', error, durationMs: 500 };
}

const OK: ProbeResult = { ok: true, failNow: false, probe: 'TCP', target: '10.0.0.7:8080', durationMs: 2 };

function setup() {
  const fixture = newRegistry();
  fixture.registry.registerInstance(persistent(), CLIENT);
  const changes: number[] = [];
  fixture.bus.on('service-changed', (e) => changes.push(e.service.revision));
  return { ...fixture, changes, probe: (r: ProbeResult) => fixture.registry.recordProbeResult(ORDERS, '10.0.0.7', 8080, r) };
}

test('three consecutive failures flip a healthy instance; each failure is journaled with its evidence', () => {
  const { time, registry, changes, probe } = setup();
  assert.equal(probe(fail()), 'unchanged');
  time.advance(5_000);
  assert.equal(probe(fail()), 'unchanged');
  assert.equal(instanceAt(registry)?.healthy, true, 'two failures are not enough');
  time.advance(5_000);
  assert.equal(probe(fail()), 'flipped');
  const instance = instanceAt(registry)!;
  assert.equal(instance.healthy, false);
  assert.equal(instance.unhealthySince, registry.now());
  assert.equal(changes.length, 1, 'subscribers hear the flip once');
  const failures = eventsOf(registry, { cause: 'PROBE_FAILED' });
  assert.deepEqual(
    failures.map((e) => e.evidence.consecutive),
    [1, 2, 3],
  );
  assert.deepEqual(
    failures.map((e) => e.evidence.flipped),
    [false, false, true],
  );
  assert.deepEqual(
    failures.map((e) => e.healthy),
    [true, true, false],
  );
  assert.deepEqual(failures[2].evidence, {
    probe: 'TCP',
    target: '10.0.0.7:8080',
    error: 'ETIMEDOUT',
    status: null,
    durationMs: 500,
    failNow: false,
    consecutive: 3,
    checkTimes: 3,
    flipped: true,
    unjournaledFailures: 0,
  });
});

test('a passing probe breaks a failure streak: failures must be consecutive', () => {
  const { registry, probe } = setup();
  probe(fail());
  probe(fail());
  probe(OK);
  probe(fail());
  probe(fail());
  assert.equal(instanceAt(registry)?.healthy, true);
  assert.equal(probe(fail()), 'flipped');
});

test('a definite failure (connection refused) flips at once', () => {
  const { registry, probe } = setup();
  assert.equal(probe(fail('ECONNREFUSED', true)), 'flipped');
  assert.equal(instanceAt(registry)?.healthy, false);
  const [event] = eventsOf(registry, { cause: 'PROBE_FAILED' });
  assert.equal(event.evidence.error, 'ECONNREFUSED');
  assert.equal(event.evidence.consecutive, 1);
  assert.equal(event.evidence.flipped, true);
});

test('three consecutive passes bring it back, journaled as PROBE_RECOVERED with how long it was down', () => {
  const { time, registry, changes, probe } = setup();
  probe(fail('ECONNREFUSED', true));
  time.advance(5_000);
  probe(OK);
  time.advance(5_000);
  probe(fail());
  time.advance(5_000);
  probe(OK);
  time.advance(5_000);
  probe(OK);
  assert.equal(instanceAt(registry)?.healthy, false, 'a failure in between restarts the count');
  time.advance(5_000);
  assert.equal(probe(OK), 'flipped');
  const instance = instanceAt(registry)!;
  assert.equal(instance.healthy, true);
  assert.equal(instance.unhealthySince, undefined);
  assert.equal(changes.length, 2);
  const [recovered] = eventsOf(registry, { cause: 'PROBE_RECOVERED' });
  assert.equal(recovered.healthy, true);
  assert.deepEqual(recovered.evidence, { probe: 'TCP', target: '10.0.0.7:8080', error: null, status: null, durationMs: 2, consecutive: 3, checkTimes: 3, unhealthyForMs: 25_000 });
});

test('while it stays unhealthy, failures are journaled at most once a minute, with a count of the rest', () => {
  const { time, registry, probe } = setup();
  probe(fail('ECONNREFUSED', true)); // 10:00:00, the flip
  for (let i = 0; i < 24; i++) {
    // two minutes of probes every 5 s
    time.advance(5_000);
    probe(fail('ECONNREFUSED', true));
  }
  const failures = eventsOf(registry, { cause: 'PROBE_FAILED' });
  assert.deepEqual(
    failures.map((e) => e.at - failures[0].at),
    [0, 60_000, 120_000],
  );
  assert.deepEqual(
    failures.map((e) => e.evidence.unjournaledFailures),
    [0, 11, 11],
  );
  assert.deepEqual(
    failures.map((e) => e.evidence.consecutive),
    [1, 13, 25],
  );
  assert.equal(instanceAt(registry)?.healthy, false, 'failing probes never remove a persistent instance');
});

test('with checkTimes set to 1 a single timeout flips', () => {
  const { registry } = newRegistry({ probes: { checkTimes: 1 } });
  registry.registerInstance(persistent(), CLIENT);
  assert.equal(registry.recordProbeResult(ORDERS, '10.0.0.7', 8080, fail()), 'flipped');
});

test('results for gone, ephemeral or differently checked instances are ignored', () => {
  const { registry, probe } = setup();
  assert.equal(registry.recordProbeResult(ORDERS, '10.0.0.8', 8080, fail()), 'ignored');
  registry.updateCluster({ ...ORDERS, cluster: 'DEFAULT', healthChecker: { type: 'HTTP', path: '/health' }, checkPort: 80, useInstancePortForCheck: true }, CLIENT);
  assert.equal(probe(fail('ECONNREFUSED', true)), 'ignored', 'a TCP result after the checker changed to HTTP');
  registry.updateCluster({ ...ORDERS, cluster: 'DEFAULT', healthChecker: { type: 'NONE' }, checkPort: 80, useInstancePortForCheck: true }, CLIENT);
  assert.equal(probe({ ...fail('HTTP 503'), probe: 'HTTP' }), 'ignored', 'NONE clusters are not probed');
  const { registry: other } = newRegistry();
  other.registerInstance(registration(), CLIENT);
  assert.equal(other.recordProbeResult(ORDERS, '10.0.0.7', 8080, fail('ECONNREFUSED', true)), 'ignored');
  assert.equal(instanceAt(other)?.healthy, true);
});

test('the probe target follows the cluster: TCP on the instance port by default, or the check port', () => {
  const { registry } = setup();
  const found = () => registry.findInstance(ORDERS, '10.0.0.7', 8080)!;
  assert.deepEqual(probeTargetOf(found().service, found().instance), { type: 'TCP', ip: '10.0.0.7', port: 8080, checker: { type: 'TCP' } });
  registry.updateCluster({ ...ORDERS, cluster: 'DEFAULT', healthChecker: { type: 'HTTP', path: 'health' }, checkPort: 9090, useInstancePortForCheck: false }, CLIENT);
  assert.equal(probeTargetOf(found().service, found().instance)?.port, 9090);
  registry.updateCluster({ ...ORDERS, cluster: 'DEFAULT', healthChecker: { type: 'NONE' }, checkPort: 9090, useInstancePortForCheck: false }, CLIENT);
  assert.equal(probeTargetOf(found().service, found().instance), undefined);
});

test('manual marks are journaled with who did it, keep unhealthySince and restart the probe count', () => {
  const { time, registry } = setup();
  registry.updateCluster({ ...ORDERS, cluster: 'DEFAULT', healthChecker: { type: 'NONE' }, checkPort: 80, useInstancePortForCheck: true }, CLIENT);
  time.advance(1_000);
  registry.markHealth({ ...ORDERS, ip: '10.0.0.7', port: 8080, healthy: false }, OPERATOR);
  assert.equal(instanceAt(registry)?.unhealthySince, registry.now());
  registry.markHealth({ ...ORDERS, ip: '10.0.0.7', port: 8080, healthy: false }, OPERATOR);
  const marks = eventsOf(registry, { cause: 'HEALTH_MARKED' });
  assert.equal(marks.length, 1, 'marking an unhealthy instance unhealthy again changes nothing');
  assert.deepEqual(marks[0].evidence, { healthy: false, by: '192.168.1.20', agent: null, claimedUser: 'ops', via: 'PUT /nacos/v1/ns/health' });
  registry.markHealth({ ...ORDERS, ip: '10.0.0.7', port: 8080, healthy: true }, OPERATOR);
  assert.equal(instanceAt(registry)?.unhealthySince, undefined);
});

test('a persistent instance registered unhealthy is unhealthy since its registration; re-registering keeps its probed health', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(persistent({ healthy: false }), CLIENT);
  assert.equal(instanceAt(registry)?.unhealthySince, registry.now());
  time.advance(5_000);
  registry.registerInstance(persistent({ healthy: true }), CLIENT);
  assert.equal(instanceAt(registry)?.healthy, false);
  assert.deepEqual(causesOf(registry), ['INSTANCE_REGISTERED', 'INSTANCE_REREGISTERED']);
});

test('a NONE checker on another cluster does not unlock manual marks for a probed instance', () => {
  const { registry } = setup();
  registry.updateCluster({ ...ORDERS, cluster: 'manual', healthChecker: { type: 'NONE' }, checkPort: 80, useInstancePortForCheck: true }, CLIENT);
  assert.throws(() => registry.markHealth({ ...ORDERS, ip: '10.0.0.7', port: 8080, cluster: 'manual', healthy: false }, OPERATOR), { code: 'INSTANCE_NOT_FOUND' });
  assert.throws(() => registry.markHealth({ ...ORDERS, ip: '10.0.0.7', port: 8080, healthy: false }, OPERATOR), { code: 'HEALTH_CHECK_ACTIVE' });
  assert.equal(instanceAt(registry)?.healthy, true);
});

test('health stored by another node (cluster mode) restarts the probe streak here: the count starts again', () => {
  const { registry, probe } = setup();
  const FROM_LOG: Origin = { ip: 'cluster', via: 'cluster change log' };
  probe(fail());
  probe(fail());
  // Another node probing it found it down, then up again; this node shows both and is the prober again.
  registry.applyOwnerHealth(ORDERS, '10.0.0.7', 8080, false, FROM_LOG);
  registry.applyOwnerHealth(ORDERS, '10.0.0.7', 8080, true, FROM_LOG);
  assert.equal(probe(fail()), 'unchanged', 'one failure of a new streak, not the third of the old one');
  assert.deepEqual(
    eventsOf(registry, { cause: 'HEALTH_MARKED' }).map((e) => [e.evidence.healthy, e.evidence.via]),
    [
      [false, 'cluster change log'],
      [true, 'cluster change log'],
    ],
  );
});
