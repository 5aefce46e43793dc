import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Origin } from '../naming/model.js';
import type { DomainError } from '../shared/errors.js';
import type { ProbeResult } from '../naming/probe-results.js';
import { CLIENT, ORDERS, newRegistry, registration, sourcesOf } from '../naming/testing/registry-fixture.js';
import { diagnose } from './diagnosis.js';

// T0 is 10:00:00 UTC; the persistent instance is 127.0.0.7:8080 in public/DEFAULT_GROUP/orders.
const OPERATOR: Origin = { ip: '192.168.1.20', via: 'PUT /nacos/v1/ns/health', claimedUser: 'ops' };
const REFUSED: ProbeResult = { ok: false, failNow: true, probe: 'TCP', target: '127.0.0.7:8080', error: 'ECONNREFUSED', durationMs: 1 };
const TIMEOUT: ProbeResult = { ok: false, failNow: false, probe: 'TCP', target: '127.0.0.7:8080', error: 'ETIMEDOUT', durationMs: 500 };
const PASS: ProbeResult = { ok: true, failNow: false, probe: 'TCP', target: '127.0.0.7:8080', durationMs: 3 };

function persistentRegistry(options: Parameters<typeof newRegistry>[0] = {}) {
  const fixture = newRegistry(options);
  // A persistent instance is probed: even in a core test without a prober, its address is a loopback one.
  fixture.registry.registerInstance(registration({ ephemeral: false, ip: '127.0.0.7' }), CLIENT);
  const probe = (r: ProbeResult) => fixture.registry.recordProbeResult(ORDERS, '127.0.0.7', 8080, r);
  const diagnosis = () => diagnose(sourcesOf(fixture.registry), ORDERS, '127.0.0.7', 8080);
  return { ...fixture, probe, diagnosis };
}

test('unhealthy after probe timeouts: since when, how many probes, to where, with which error', () => {
  const { time, probe, diagnosis } = persistentRegistry();
  time.advance(2_000);
  for (let i = 0; i < 3; i++) {
    time.advance(5_000);
    probe(TIMEOUT);
  }
  const d = diagnosis();
  assert.equal(d.state, 'unhealthy');
  assert.match(d.explanation, /^Unhealthy since 10:00:17: 3 TCP probes to 127\.0\.0\.7:8080 failed with ETIMEDOUT\./);
  assert.match(d.explanation, /does not answer in time/);
  assert.match(d.explanation, /Probing continues: the last 3 TCP probes to 127\.0\.0\.7:8080 failed with ETIMEDOUT \(last at 10:00:17\); 3 passes in a row make it healthy again\./);
  assert.equal(d.lastTransition?.cause, 'PROBE_FAILED');
  assert.equal(d.lastTransition?.evidence.flipped, true);
  assert.equal(d.beats, null);
  assert.deepEqual({ ...d.probe, last: undefined }, { type: 'TCP', target: '127.0.0.7:8080', checkTimes: 3, consecutiveFailures: 3, consecutivePasses: 0, last: undefined, notProbed: null });
  assert.equal(d.probe?.last?.error, 'ETIMEDOUT');
});

test('a refused connection: one probe was enough, and the flip is still found after an hour of failures', () => {
  const { time, probe, diagnosis } = persistentRegistry();
  time.advance(4_000);
  probe(REFUSED);
  for (let i = 0; i < 720; i++) {
    // an hour of failing probes, one journal entry a minute
    time.advance(5_000);
    probe(REFUSED);
  }
  const d = diagnosis();
  assert.match(d.explanation, /^Unhealthy since 10:00:04: 1 TCP probe to 127\.0\.0\.7:8080 failed with ECONNREFUSED \(a definite failure counts at once\)\. Nothing accepts connections/);
  assert.match(d.explanation, /the last 721 TCP probes .* \(last at 11:00:04\)/);
  assert.equal(d.lastTransition?.at, Date.UTC(2026, 0, 1, 10, 0, 4), 'the flip, not the latest once-a-minute failure');
});

test('different errors on the way to the flip are all named', () => {
  const { probe, diagnosis } = persistentRegistry();
  probe(TIMEOUT);
  probe({ ...TIMEOUT, error: 'EHOSTUNREACH' });
  probe(TIMEOUT);
  assert.match(diagnosis().explanation, /3 TCP probes to 127\.0\.0\.7:8080 failed with ETIMEDOUT, EHOSTUNREACH\./);
});

test('healthy again after passing probes: when it went down, why, and when it came back', () => {
  const { time, probe, diagnosis } = persistentRegistry();
  probe(REFUSED);
  for (let i = 0; i < 3; i++) {
    time.advance(5_000);
    probe(PASS);
  }
  const d = diagnosis();
  assert.equal(d.state, 'healthy');
  assert.equal(d.lastTransition?.cause, 'PROBE_RECOVERED');
  assert.equal(
    d.explanation,
    'Healthy again since 10:00:15; it turned unhealthy at 10:00:00 after 1 TCP probe to 127.0.0.7:8080 failed with ECONNREFUSED and 3 TCP probes in a row passed again.' + ' The last TCP probe to 127.0.0.7:8080 passed at 10:00:15 in 3 ms.',
  );
});

test('healthy with failures short of the flip says how close it is', () => {
  const { probe, diagnosis } = persistentRegistry();
  probe(PASS);
  probe(TIMEOUT);
  assert.match(diagnosis().explanation, /^Healthy\. But the last TCP probe to 127\.0\.0\.7:8080 failed with ETIMEDOUT \(last at 10:00:00\); 3 failures in a row mark it unhealthy\.$/);
});

test('not probed yet', () => {
  const { diagnosis } = persistentRegistry();
  assert.match(diagnosis().explanation, /^Healthy\. Not probed yet by this server \(TCP to 127\.0\.0\.7:8080/);
});

test('marked unhealthy by hand in a NONE cluster: by whom, and that only a mark changes it', () => {
  const { time, registry, diagnosis } = persistentRegistry();
  registry.updateCluster({ ...ORDERS, cluster: 'DEFAULT', healthChecker: { type: 'NONE' }, checkPort: 80, useInstancePortForCheck: true }, CLIENT);
  time.advance(3_000);
  registry.markHealth({ ...ORDERS, ip: '127.0.0.7', port: 8080, healthy: false }, OPERATOR);
  const d = diagnosis();
  assert.equal(d.state, 'unhealthy');
  assert.equal(
    d.explanation,
    "Marked unhealthy by hand at 10:00:03 by 192.168.1.20 (claiming to be user ops; not verified) (PUT /nacos/v1/ns/health); its cluster's health checker is NONE, so it stays unhealthy until marked healthy again.",
  );
  assert.equal(d.probe?.type, 'NONE');
  assert.equal(d.probe?.target, null);
  registry.markHealth({ ...ORDERS, ip: '127.0.0.7', port: 8080, healthy: true }, OPERATOR);
  assert.equal(
    diagnosis().explanation,
    'Healthy again since 10:00:03; it was marked unhealthy by hand at 10:00:03 by 192.168.1.20 (claiming to be user ops; not verified) (PUT /nacos/v1/ns/health)'
      + " and marked healthy again by 192.168.1.20 (claiming to be user ops; not verified) (PUT /nacos/v1/ns/health). Its cluster's health checker is NONE: only a manual mark changes its health.",
  );
  // A verified user is said as such, whatever the request claimed.
  registry.markHealth({ ...ORDERS, ip: '127.0.0.7', port: 8080, healthy: false }, { ...OPERATOR, user: 'alice' });
  assert.match(diagnosis().explanation, /^Marked unhealthy by hand at 10:00:03 by 192\.168\.1\.20 \(user alice, verified\) \(PUT \/nacos\/v1\/ns\/health\);/);
});

test('a persistent instance whose probe target is outside the limit is not probed, and the diagnosis says why', () => {
  // The limit came after the instance (as for one restored from the store).
  let limited = false;
  const { registry, diagnosis } = persistentRegistry({ probeTargets: (ip) => (limited && ip === '127.0.0.7' ? 'it is outside the allowed targets' : undefined) });
  limited = true;
  const d = diagnosis();
  assert.equal(d.probe?.notProbed, 'it is outside the allowed targets');
  assert.match(d.explanation, /Not probed: TCP to 127\.0\.0\.7:8080 is not allowed \(it is outside the allowed targets\), so its health changes only by hand\.$/);
  assert.throws(
    () => registry.updateCluster({ ...ORDERS, cluster: 'DEFAULT', healthChecker: { type: 'TCP' }, checkPort: 22, useInstancePortForCheck: false }, CLIENT),
    (e: DomainError) => e.code === 'INVALID_PARAM' && e.field === 'checkPort' && /127\.0\.0\.7:8080 at 127\.0\.0\.7:22, but it is outside the allowed targets/.test(e.message),
  );
});

test('registered unhealthy, and an HTTP checker on the check port', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration({ ephemeral: false, healthy: false, ip: '127.0.0.7' }), CLIENT);
  registry.updateCluster({ ...ORDERS, cluster: 'DEFAULT', healthChecker: { type: 'HTTP', path: '/health' }, checkPort: 9090, useInstancePortForCheck: false }, CLIENT);
  let d = diagnose(sourcesOf(registry), ORDERS, '127.0.0.7', 8080);
  assert.match(d.explanation, /^Registered with healthy=false at 10:00:00 from 10\.0\.0\.7\. Not probed yet by this server \(HTTP to 127\.0\.0\.7:9090\/health;/);
  time.advance(5_000);
  registry.recordProbeResult(ORDERS, '127.0.0.7', 8080, { ok: true, failNow: false, probe: 'HTTP', target: '127.0.0.7:9090/health', status: 200, durationMs: 4 });
  d = diagnose(sourcesOf(registry), ORDERS, '127.0.0.7', 8080);
  assert.match(d.explanation, /The last HTTP probe to 127\.0\.0\.7:9090\/health passed at 10:00:05 in 4 ms \(1 of 3 passes in a row needed to turn healthy\)\.$/);
});

test('an unhealthy instance with no event for its state (restored at start) says it kept its last known health', () => {
  const { registry } = newRegistry();
  registry.restore({
    services: [],
    overlays: [],
    instances: [
      {
        namespace: 'public',
        group: 'DEFAULT_GROUP',
        service: 'orders',
        ip: '127.0.0.7',
        port: 8080,
        cluster: 'DEFAULT',
        weight: 1,
        enabled: true,
        healthy: false,
        metadata: {},
        instanceId: '127.0.0.7#8080#DEFAULT#DEFAULT_GROUP@@orders',
        registeredAt: Date.UTC(2026, 0, 1, 9, 0, 0),
        lastHealthChangeAt: Date.UTC(2026, 0, 1, 9, 30, 0),
      },
    ],
  });
  assert.match(diagnose(sourcesOf(registry), ORDERS, '127.0.0.7', 8080).explanation, /^Unhealthy since 09:30:00 \(its last known health, kept across a restart\)\. Not probed yet/);
});
