import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProbeResult } from '../naming/probe-results.js';
import { BEATER, CLIENT, OPERATOR, ORDERS, T0, beat, beatEvery, newRegistry, registration, sourcesOf } from '../naming/testing/registry-fixture.js';
import { diagnose } from './diagnosis.js';

// T0 is 10:00:00 UTC; the fixture's client is 10.0.0.7 with agent Nacos-Java-Client:v1.4.1.
const at = (h: number, m: number, s: number) => Date.UTC(2026, 0, 1, h, m, s);
const firstSentence = (text: string) => text.slice(0, text.search(/\.( |$)/) + 1);

test('removed during a client-side network outage and registered again a second later: the outage leads', () => {
  const { time, registry } = newRegistry();
  // A client that asks for a beat every second, unhealthy after 3 s and removed after 6 s without one.
  const shortTimeouts = registration({ metadata: { 'preserved.heart.beat.interval': '1000', 'preserved.heart.beat.timeout': '3000', 'preserved.ip.delete.timeout': '6000' } });
  registry.registerInstance(shortTimeouts, CLIENT);
  beatEvery(time, registry, 1_000, 10_000); // last beat 10:00:10, then its DNS fails
  time.advance(6_000); // unhealthy at 10:00:13, removed at 10:00:16
  time.advance(1_000);
  registry.registerInstance(shortTimeouts, CLIENT);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'healthy');
  assert.equal(
    d.explanation,
    'Healthy again since 10:00:17; it was removed at 10:00:16 after 6 s without a heartbeat (its beats stopped for 7.0 s; the last came from 10.0.0.7) and its client registered it again.'
      + ' Registered 0 s ago from 10.0.0.7 (Nacos-Java-Client:v1.4.1), no heartbeat yet (the first is due within 1 s; unhealthy after 3 s without one).',
  );
  assert.deepEqual(d.lastOutage, {
    startedAt: at(10, 0, 13),
    endedAt: at(10, 0, 17),
    durationMs: 4_000,
    cause: 'BEAT_MISSED',
    removedAt: at(10, 0, 16),
    removedBy: 'INSTANCE_EXPIRED',
    endedBy: 'INSTANCE_REGISTERED',
  });
  assert.equal(d.outagesLastHour, 1);
});

test('beats stopped long enough to turn unhealthy, then resumed before removal', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 60_000); // last beat 10:01:00
  time.advance(20_000);
  registry.beat(beat(), BEATER);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'healthy');
  assert.equal(firstSentence(d.explanation), 'Healthy again since 10:01:20; it turned unhealthy at 10:01:15 after 15 s without a heartbeat (its beats stopped for 20.0 s; the last came from 10.0.0.7) and its beats resumed.');
  assert.match(d.explanation, /\. Last beat 0 s ago from 10\.0\.0\.7 \(Nacos-Java-Client:v1\.4\.1\)\./);
  assert.deepEqual(d.lastOutage, {
    startedAt: at(10, 1, 15),
    endedAt: at(10, 1, 20),
    durationMs: 5_000,
    cause: 'BEAT_MISSED',
    removedAt: null,
    removedBy: null,
    endedBy: 'BEAT_RESUMED',
  });
});

test('deregistered by its own client and registered again: a clean restart', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 20_000);
  registry.deregisterInstance(beat(), { ...CLIENT, via: 'DELETE /nacos/v1/ns/instance' });
  time.advance(12_000);
  registry.registerInstance(registration(), CLIENT);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(firstSentence(d.explanation), 'Healthy again since 10:00:32; its client deregistered it at 10:00:20 (DELETE /nacos/v1/ns/instance from 10.0.0.7: a clean shutdown or restart) and registered it again.');
  assert.equal(d.lastOutage?.cause, 'INSTANCE_DEREGISTERED');
  assert.equal(d.lastOutage?.removedAt, at(10, 0, 20));
});

test('unhealthy, then deleted by an operator, then re-created by a beat: both steps, in order', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 10_000); // last beat 10:00:10
  time.advance(20_000); // unhealthy at 10:00:25
  registry.deregisterInstance(beat(), { ...OPERATOR, via: 'DELETE /nacos/v1/ns/instance' });
  time.advance(3_000);
  registry.beat(beat({ body: { weight: 1, metadata: {} } }), BEATER);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(
    firstSentence(d.explanation),
    'Healthy again since 10:00:33; it turned unhealthy at 10:00:25 after 15 s without a heartbeat (its beats stopped for 23.0 s; the last came from 10.0.0.7),'
      + ' then it was deleted at 10:00:30 by DELETE /nacos/v1/ns/instance from 192.168.1.20 (claiming to be user ops; not verified) and a heartbeat from its still-running client re-created it 3.0 s later.',
  );
  assert.deepEqual([d.lastOutage?.cause, d.lastOutage?.removedBy, d.lastOutage?.endedBy], ['BEAT_MISSED', 'INSTANCE_DEREGISTERED', 'INSTANCE_RECREATED_FROM_BEAT']);
});

const TIMEOUT: ProbeResult = { ok: false, failNow: false, probe: 'TCP', target: '127.0.0.7:8080', error: 'ETIMEDOUT', durationMs: 500 };
const PASS: ProbeResult = { ok: true, failNow: false, probe: 'TCP', target: '127.0.0.7:8080', durationMs: 3 };

test('a persistent instance whose probes failed, then passed again', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration({ ip: '127.0.0.7', ephemeral: false }), CLIENT);
  const probe = (r: ProbeResult) => {
    time.advance(5_000);
    registry.recordProbeResult(ORDERS, '127.0.0.7', 8080, r);
  };
  probe(PASS);
  probe(TIMEOUT);
  probe({ ...TIMEOUT, error: 'EHOSTUNREACH' });
  probe(TIMEOUT); // unhealthy at 10:00:20
  for (let i = 0; i < 3; i++) probe(PASS); // healthy at 10:00:35
  const d = diagnose(sourcesOf(registry), ORDERS, '127.0.0.7', 8080);
  assert.equal(d.state, 'healthy');
  assert.equal(
    d.explanation,
    'Healthy again since 10:00:35; it turned unhealthy at 10:00:20 after 3 TCP probes to 127.0.0.7:8080 failed with ETIMEDOUT, EHOSTUNREACH and 3 TCP probes in a row passed again.'
      + ' The last TCP probe to 127.0.0.7:8080 passed at 10:00:35 in 3 ms.',
  );
  assert.deepEqual(d.lastOutage, {
    startedAt: at(10, 0, 20),
    endedAt: at(10, 0, 35),
    durationMs: 15_000,
    cause: 'PROBE_FAILED',
    removedAt: null,
    removedBy: null,
    endedBy: 'PROBE_RECOVERED',
  });
});

test('a flapping instance: the count of outages in the last hour, then the last one; older outages are not counted', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  const outage = () => {
    time.advance(20_000);
    registry.beat(beat(), BEATER);
  }; // unhealthy after 15 s, back at 20 s
  beatEvery(time, registry, 5_000, 30_000);
  outage(); // 10:00:45 to 10:00:50
  beatEvery(time, registry, 5_000, 70 * 60_000); // until 11:10:50
  let d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.match(d.explanation, /^Healthy again since 10:00:50; it turned unhealthy at 10:00:45 /, 'an outage over an hour old still leads');
  assert.equal(d.outagesLastHour, 0);
  for (let i = 0; i < 4; i++) {
    outage();
    beatEvery(time, registry, 5_000, 60_000);
  }
  d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.state, 'healthy');
  assert.equal(
    firstSentence(d.explanation),
    'Healthy again since 11:15:10, but flapping: 4 outages in the last hour; in the last one it turned unhealthy at 11:15:05 after 15 s without a heartbeat (its beats stopped for 20.0 s; the last came from 10.0.0.7) and its beats resumed.',
  );
  assert.equal(d.outagesLastHour, 4);
  assert.equal(d.lastOutage?.startedAt, at(11, 15, 5));
});

test('two outages in the last hour are not called flapping', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  for (let i = 0; i < 2; i++) {
    beatEvery(time, registry, 5_000, 30_000);
    time.advance(20_000);
    registry.beat(beat(), BEATER);
  }
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.outagesLastHour, 2);
  assert.match(d.explanation, /^Healthy again since 10:01:40; it turned unhealthy at 10:01:35 /);
  assert.doesNotMatch(d.explanation, /flapping/);
});

test('without a past outage the sentences stay as they were', () => {
  const { time, registry } = newRegistry();
  registry.registerInstance(registration(), CLIENT);
  beatEvery(time, registry, 5_000, 60_000);
  const d = diagnose(sourcesOf(registry), ORDERS, '10.0.0.7', 8080);
  assert.equal(d.explanation, 'Healthy: last beat 0 s ago from 10.0.0.7 (Nacos-Java-Client:v1.4.1).');
  assert.equal(d.lastOutage, null);
  assert.equal(d.outagesLastHour, 0);

  // Registered unhealthy and then probed healthy: it never was in traffic before, so that is no outage.
  const persistent = newRegistry();
  persistent.registry.registerInstance(registration({ ip: '127.0.0.7', ephemeral: false, healthy: false }), CLIENT);
  for (let i = 0; i < 3; i++) {
    persistent.time.advance(5_000);
    persistent.registry.recordProbeResult(ORDERS, '127.0.0.7', 8080, PASS);
  }
  const p = diagnose(sourcesOf(persistent.registry), ORDERS, '127.0.0.7', 8080);
  assert.equal(p.explanation, 'Healthy again since 10:00:15 after 3 passing TCP probes (unhealthy for 15.0 s). The last TCP probe to 127.0.0.7:8080 passed at 10:00:15 in 3 ms.');
  assert.equal(p.lastOutage, null);
  assert.equal(T0, at(10, 0, 0));
});
