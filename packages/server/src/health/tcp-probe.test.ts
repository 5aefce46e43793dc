import { diagnose, diagnosisSources } from '@cairn/core';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { tcpProbe } from './tcp-probe.js';
import { CLIENT, persistentInstance, probeHarness, REF } from './testing.js';

let listener: Server;
let openPort = 0;
let closedPort = 0;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

before(async () => {
  listener = createServer((socket) => socket.destroy());
  openPort = await listen(listener);
  const gone = createServer();
  closedPort = await listen(gone); // a port that was just free: nothing listens on it once closed
  await new Promise((resolve) => gone.close(resolve));
});
after(() => new Promise((resolve) => listener.close(resolve)));

const target = (port: number) => ({ type: 'TCP' as const, ip: '127.0.0.1', port, checker: { type: 'TCP' as const } });

test('a listening port passes', async () => {
  const result = await tcpProbe(target(openPort), 500, new AbortController().signal);
  assert.equal(result.ok, true);
  assert.equal(result.probe, 'TCP');
  assert.equal(result.target, `127.0.0.1:${openPort}`);
  assert.ok(result.durationMs < 500);
});

test('a closed port fails now with ECONNREFUSED', async () => {
  const result = await tcpProbe(target(closedPort), 500, new AbortController().signal);
  assert.deepEqual({ ...result, durationMs: 0 }, { ok: false, failNow: true, error: 'ECONNREFUSED', probe: 'TCP', target: `127.0.0.1:${closedPort}`, durationMs: 0 });
});

test('an aborted probe ends at once', async () => {
  const abort = new AbortController();
  abort.abort();
  const result = await tcpProbe(target(openPort), 500, abort.signal);
  assert.equal(result.error, 'ABORTED');
});

test('scheduled: a refused connection marks the instance unhealthy at the first probe, with the evidence', async () => {
  const { registry, journal, scheduler, advance } = probeHarness({ firstProbeJitterMs: 0 });
  registry.registerInstance(persistentInstance('127.0.0.1', closedPort), CLIENT);
  registry.registerInstance(persistentInstance('127.0.0.1', openPort), CLIENT);
  scheduler.start();
  await advance(0);
  const down = registry.findInstance(REF, '127.0.0.1', closedPort)!.instance;
  assert.equal(down.healthy, false);
  assert.equal(registry.findInstance(REF, '127.0.0.1', openPort)?.instance.healthy, true);
  const [event] = journal.query({ cause: 'PROBE_FAILED' }).events;
  assert.equal(event.port, closedPort);
  assert.equal(event.healthy, false);
  assert.deepEqual(
    { ...event.evidence, durationMs: 0 },
    {
      probe: 'TCP',
      target: `127.0.0.1:${closedPort}`,
      error: 'ECONNREFUSED',
      status: null,
      durationMs: 0,
      failNow: true,
      consecutive: 1,
      checkTimes: 3,
      flipped: true,
      unjournaledFailures: 0,
    },
  );
  assert.match(diagnose(diagnosisSources(registry, journal), REF, '127.0.0.1', closedPort).explanation, new RegExp(`^Unhealthy since 10:00:00: 1 TCP probe to 127\\.0\\.0\\.1:${closedPort} failed with ECONNREFUSED`));
  assert.equal(registry.findInstance(REF, '127.0.0.1', closedPort)?.instance, down, 'marked unhealthy, never removed');
  await scheduler.stop();
});

test("scheduled: the cluster's check port is probed when useInstancePort4Check is false", async () => {
  const { registry, scheduler, advance } = probeHarness({ firstProbeJitterMs: 0 });
  registry.registerInstance(persistentInstance('127.0.0.1', closedPort), CLIENT);
  registry.updateCluster({ ...REF, cluster: 'DEFAULT', healthChecker: { type: 'TCP' }, checkPort: openPort, useInstancePortForCheck: false }, CLIENT);
  scheduler.start();
  await advance(0);
  const instance = registry.findInstance(REF, '127.0.0.1', closedPort)!.instance;
  assert.equal(instance.healthy, true);
  assert.equal(instance.probe?.lastResult?.target, `127.0.0.1:${openPort}`);
  assert.equal(instance.probe?.lastResult?.ok, true);
  await scheduler.stop();
});
