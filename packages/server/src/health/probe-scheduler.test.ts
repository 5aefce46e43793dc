import type { ProbeResult, ProbeTarget } from '@cairn/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Probe } from './probe.js';
import { CLIENT, ioTurn, persistentInstance, probeHarness, REF } from './testing.js';

// The scheduler runs on a fake clock here and the probes are stand-ins, so timing is exact; real probes have their own tests.
interface Call {
  target: string;
  at: number;
  signal: AbortSignal;
  release: (ok: boolean) => void;
}

function recordingProbe(now: () => number, hangFor: (target: ProbeTarget) => boolean = () => false) {
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const probe: Probe = (target, _timeoutMs, signal) =>
    new Promise<ProbeResult>((resolve) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const release = (ok: boolean) => {
        inFlight--;
        resolve({ ok, failNow: false, probe: target.type, target: `${target.ip}:${target.port}`, durationMs: 1, error: ok ? undefined : 'ETIMEDOUT' });
      };
      calls.push({ target: `${target.ip}:${target.port}`, at: now(), signal, release });
      signal.addEventListener('abort', () => release(false), { once: true });
      if (!hangFor(target)) queueMicrotask(() => release(true));
    });
  return { probe, calls, maxInFlight: () => maxInFlight };
}

test('each persistent instance is probed after its first-probe jitter, then every interval; ephemeral and NONE clusters never', async () => {
  let now = () => 0;
  const tcp = recordingProbe(() => now());
  const { registry, scheduler, advance, probeTime } = probeHarness({}, { probes: { TCP: tcp.probe } });
  now = () => probeTime.now();
  registry.registerInstance(persistentInstance('127.0.0.1', 7001), CLIENT);
  registry.registerInstance(persistentInstance('127.0.0.1', 7002, { name: 'manual', cluster: 'MANUAL' }), CLIENT);
  registry.updateCluster({ ...REF, name: 'manual', cluster: 'MANUAL', healthChecker: { type: 'NONE' }, checkPort: 80, useInstancePortForCheck: true }, CLIENT);
  registry.registerInstance(persistentInstance('127.0.0.1', 7003, { name: 'beating', ephemeral: true }), CLIENT);
  scheduler.start();
  await advance(2_499); // random() = 0.5: the first probe after 2.5 s of the 5 s jitter
  assert.equal(tcp.calls.length, 0);
  await advance(1);
  assert.deepEqual(
    tcp.calls.map((c) => c.target),
    ['127.0.0.1:7001'],
  );
  await advance(5_000);
  await advance(5_000);
  assert.deepEqual(
    tcp.calls.map((c) => [c.target, c.at]),
    [
      ['127.0.0.1:7001', 2_500],
      ['127.0.0.1:7001', 7_500],
      ['127.0.0.1:7001', 12_500],
    ],
  );
  assert.equal(scheduler.stats.tracked, 2, 'the NONE instance is tracked (its checker may change) but never probed');
  await scheduler.stop();
});

test('at most `concurrency` probes run at once, and a hung probe does not hold back the others', async () => {
  let now = () => 0;
  const tcp = recordingProbe(
    () => now(),
    (t) => t.port === 7000,
  );
  const { registry, scheduler, probeTime } = probeHarness({ concurrency: 2, firstProbeJitterMs: 0 }, { probes: { TCP: tcp.probe } });
  now = () => probeTime.now();
  for (let port = 7000; port < 7006; port++) registry.registerInstance(persistentInstance('127.0.0.1', port), CLIENT);
  scheduler.start();
  probeTime.advance(0);
  for (let i = 0; i < 10; i++) await ioTurn();
  assert.equal(tcp.calls.length, 6, 'every instance was probed while 7000 hangs');
  assert.equal(tcp.maxInFlight(), 2);
  assert.equal(scheduler.stats.running, 1, 'only the hung probe is still in flight');
  await scheduler.stop();
  assert.equal(tcp.calls[0].signal.aborted, true, 'stop() aborts the probe in flight');
});

test('an instance deregistered while it waits for a slot is never probed; one deregistered mid-probe has its probe aborted', async () => {
  let now = () => 0;
  const tcp = recordingProbe(
    () => now(),
    () => true,
  ); // every probe hangs until released
  const { registry, scheduler, probeTime } = probeHarness({ concurrency: 1, firstProbeJitterMs: 0 }, { probes: { TCP: tcp.probe } });
  now = () => probeTime.now();
  registry.registerInstance(persistentInstance('127.0.0.1', 7001), CLIENT);
  registry.registerInstance(persistentInstance('127.0.0.1', 7002), CLIENT);
  scheduler.start();
  probeTime.advance(0);
  await ioTurn();
  assert.deepEqual(
    tcp.calls.map((c) => c.target),
    ['127.0.0.1:7001'],
  );
  assert.equal(scheduler.stats.waiting, 1);
  registry.deregisterInstance({ ...REF, ip: '127.0.0.1', port: 7002 }, CLIENT);
  tcp.calls[0].release(true);
  for (let i = 0; i < 5; i++) await ioTurn();
  probeTime.advance(60_000);
  for (let i = 0; i < 5; i++) await ioTurn();
  assert.ok(
    tcp.calls.every((c) => c.target === '127.0.0.1:7001'),
    'no probe of the removed instance',
  );
  const inFlight = tcp.calls.at(-1)!;
  registry.deregisterInstance({ ...REF, ip: '127.0.0.1', port: 7001 }, CLIENT);
  assert.equal(inFlight.signal.aborted, true);
  await scheduler.settled();
  assert.equal(scheduler.stats.tracked, 0);
  const before = tcp.calls.length;
  probeTime.advance(60_000);
  await ioTurn();
  assert.equal(tcp.calls.length, before);
  await scheduler.stop();
});

test('stop() cancels what is pending: nothing starts afterwards', async () => {
  const tcp = recordingProbe(() => 0);
  const { registry, scheduler, probeTime } = probeHarness({}, { probes: { TCP: tcp.probe } });
  registry.registerInstance(persistentInstance('127.0.0.1', 7001), CLIENT);
  scheduler.start();
  await scheduler.stop();
  probeTime.advance(60_000);
  await ioTurn();
  assert.equal(tcp.calls.length, 0);
  registry.registerInstance(persistentInstance('127.0.0.1', 7002), CLIENT);
  probeTime.advance(60_000);
  await ioTurn();
  assert.equal(tcp.calls.length, 0, 'registrations after stop() are not picked up');
});

test('instances restored from storage without an event are found by the sweep', async () => {
  const tcp = recordingProbe(() => 0);
  const { registry, scheduler, advance } = probeHarness({ firstProbeJitterMs: 0 }, { probes: { TCP: tcp.probe } });
  scheduler.start();
  registry.restore({
    services: [],
    overlays: [],
    instances: [
      {
        namespace: 'public',
        group: 'DEFAULT_GROUP',
        service: 'orders',
        ip: '127.0.0.1',
        port: 7009,
        cluster: 'DEFAULT',
        weight: 1,
        enabled: true,
        healthy: false,
        metadata: {},
        instanceId: 'x',
        registeredAt: 0,
        lastHealthChangeAt: 0,
      },
    ],
  });
  await advance(4_999);
  assert.equal(tcp.calls.length, 0);
  await advance(1); // the sweep runs every interval
  await advance(0);
  assert.deepEqual(
    tcp.calls.map((c) => c.target),
    ['127.0.0.1:7009'],
  );
  await scheduler.stop();
});

test('results reach the registry: three failures flip the instance and subscribers hear it', async () => {
  const failing: Probe = async (target) => ({ ok: false, failNow: false, probe: target.type, target: `${target.ip}:${target.port}`, error: 'ETIMEDOUT', durationMs: 500 });
  const { registry, bus, scheduler, advance } = probeHarness({ firstProbeJitterMs: 0 }, { probes: { TCP: failing } });
  registry.registerInstance(persistentInstance('127.0.0.1', 7001), CLIENT);
  const revisions: number[] = [];
  bus.on('service-changed', (e) => revisions.push(e.service.revision));
  scheduler.start();
  await advance(0);
  await advance(5_000);
  assert.equal(registry.findInstance(REF, '127.0.0.1', 7001)?.instance.healthy, true);
  await advance(5_000);
  assert.equal(registry.findInstance(REF, '127.0.0.1', 7001)?.instance.healthy, false);
  assert.equal(revisions.length, 1);
  assert.equal(scheduler.stats.flips, 1);
  await scheduler.stop();
});

test('with health checks off nothing is probed', async () => {
  const tcp = recordingProbe(() => 0);
  const { registry, scheduler, advance } = probeHarness({ enabled: false }, { probes: { TCP: tcp.probe } });
  registry.registerInstance(persistentInstance('127.0.0.1', 7001), CLIENT);
  scheduler.start();
  await advance(60_000);
  assert.equal(tcp.calls.length, 0);
  await scheduler.stop();
});

test('the healthCheckEnabled switch at run time: off cancels pending probes and aborts those in flight, on picks every instance up again', async () => {
  let now = () => 0;
  const tcp = recordingProbe(
    () => now(),
    (t) => t.port === 7002,
  );
  const { registry, scheduler, advance, probeTime } = probeHarness({ enabled: false }, { probes: { TCP: tcp.probe } });
  now = () => probeTime.now();
  registry.registerInstance(persistentInstance('127.0.0.1', 7001), CLIENT);
  registry.registerInstance(persistentInstance('127.0.0.1', 7002), CLIENT);
  scheduler.start();
  await advance(20_000);
  assert.equal(tcp.calls.length, 0, 'started switched off');

  scheduler.setEnabled(true);
  assert.equal(scheduler.enabled, true);
  await advance(2_499);
  assert.equal(tcp.calls.length, 0, 'switched on: each instance waits its first-probe jitter');
  probeTime.advance(1);
  await ioTurn();
  assert.deepEqual(tcp.calls.map((c) => [c.target, c.at]).sort(), [
    ['127.0.0.1:7001', 22_500],
    ['127.0.0.1:7002', 22_500],
  ]);
  const hung = tcp.calls.find((c) => c.target === '127.0.0.1:7002')!;

  scheduler.setEnabled(false);
  assert.equal(hung.signal.aborted, true, 'switching off aborts the probe in flight');
  await scheduler.settled();
  const before = tcp.calls.length;
  registry.registerInstance(persistentInstance('127.0.0.1', 7003), CLIENT);
  await advance(60_000);
  assert.equal(tcp.calls.length, before, 'nothing probed while off, not even a new registration');
  assert.equal(registry.findInstance(REF, '127.0.0.1', 7002)?.instance.healthy, true, 'the aborted result was dropped');

  scheduler.setEnabled(true);
  probeTime.advance(2_500); // not advance(): 7002 hangs again, and stop() below aborts it
  await ioTurn();
  assert.deepEqual(
    tcp.calls
      .slice(before)
      .map((c) => c.target)
      .sort(),
    ['127.0.0.1:7001', '127.0.0.1:7002', '127.0.0.1:7003'],
  );
  assert.equal(scheduler.stats.tracked, 3);
  await scheduler.stop();
});

test('cluster mode: an instance another node probes is not probed here, and is asked about again every interval', async () => {
  let now = () => 0;
  const tcp = recordingProbe(
    () => now(),
    () => true,
  ); // every probe hangs until released
  let mine = false;
  const { registry, scheduler, advance, probeTime } = probeHarness({ firstProbeJitterMs: 0 }, { probes: { TCP: tcp.probe }, isMine: () => mine });
  now = () => probeTime.now();
  registry.registerInstance(persistentInstance('127.0.0.1', 7001), CLIENT);
  scheduler.start();
  await advance(0);
  await advance(5_000);
  assert.equal(tcp.calls.length, 0, 'another node probes it');
  assert.deepEqual([scheduler.stats.started, scheduler.stats.elsewhere], [0, 2]);

  // Its prober is gone: this node's turn comes at the next interval.
  mine = true;
  probeTime.advance(5_000);
  await ioTurn();
  assert.deepEqual(
    tcp.calls.map((c) => [c.target, c.at]),
    [['127.0.0.1:7001', 10_000]],
  );
  // Another node took it back while the probe ran: its result is not counted here.
  mine = false;
  tcp.calls[0].release(false);
  await scheduler.settled();
  assert.equal(registry.findInstance(REF, '127.0.0.1', 7001)?.instance.probe, undefined);
  await scheduler.stop();
});
