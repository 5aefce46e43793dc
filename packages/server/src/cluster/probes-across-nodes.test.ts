import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test } from 'node:test';
import { call, startTestServer, type TestServer } from '../testing/test-server.js';
import { eventually } from '../testing/eventually.js';
import { SHARED_DIALECTS, throwAwayDatabase } from '../testing/throwaway-database.js';

type Host = { ip: string; port: number; healthy: boolean };
const SERVICE = 'serviceName=db&groupName=DEFAULT_GROUP';
const REF = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'db' };
// Short leases so that a prober's death shows within seconds (SUSPICIOUS only after 1.5 s without a renewal, so that
// a busy machine does not split the probing); probes every 100 ms (the least allowed).
const NODE = { cluster: true, clusterRenewMs: 100, clusterLeaseMs: 3_000, healthCheckEnabled: true, probeIntervalMs: 100 } as const;
// A flip needs a probe, a write, and the others' reading of the change log (a poll of 500 ms on MariaDB).
const FLIP_MS = 5_000;

const hosts = (node: TestServer) => call(node.url, 'GET', `/v1/ns/instance/list?${SERVICE}&healthyOnly=false`).then((r) => (r.status === 200 ? (r.json().hosts as Host[]) : []));

/** A TCP listener on 127.0.0.1 that accepts and hangs up: what a TCP probe calls healthy. */
async function listen(port = 0): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

const closeListener = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Waits until every one of `nodes` lists the instance at `port` with this health. */
async function shownOnAll(nodes: readonly TestServer[], port: number, healthy: boolean, what: string): Promise<void> {
  for (const [i, node] of nodes.entries())
    await eventually(
      `${what} on node ${i}`,
      () => hosts(node),
      (h) => h.some((x) => x.port === port && x.healthy === healthy),
      FLIP_MS,
    );
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: one node probes a persistent instance, every node shows the health it finds, and another node takes over when it dies`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    let target = await listen();
    const port = (target.address() as { port: number }).port;
    const nodes: TestServer[] = [];
    t.after(async () => {
      await Promise.all(nodes.map((n) => n.close().catch(() => undefined)));
      await closeListener(target);
    });
    for (let i = 0; i < 3; i++) nodes.push(await startTestServer({ db: db.url, ...NODE }));
    // Registered once every node lists all three UP, so that they agree on the prober from the first probe.
    for (const node of nodes)
      await eventually(
        'three members UP',
        async () => node.server.membership.members().filter((m) => m.state === 'UP').length,
        (up) => up === 3,
        10_000,
      );
    assert.equal((await call(nodes[0].url, 'POST', `/v1/ns/instance?${SERVICE}&ip=127.0.0.1&port=${port}&ephemeral=false`)).status, 200);

    // Every node has come to the instance a few times; one of them probed it, the others left it to that one.
    const stats = () => nodes.map((n) => n.server.probes.stats);
    await eventually(
      'every node considered the instance',
      async () => stats(),
      (s) => s.every((x) => x.started + x.elsewhere >= 3),
      FLIP_MS,
    );
    const probing = stats().map((s) => s.started > 0);
    assert.equal(probing.filter(Boolean).length, 1, `exactly one prober: ${JSON.stringify(stats())}`);
    const prober = nodes[probing.indexOf(true)];
    const others = nodes.filter((n) => n !== prober);
    for (const node of others) {
      assert.equal(node.server.probes.stats.started, 0);
      assert.equal(node.server.ctx.registry.findInstance(REF, '127.0.0.1', port)?.instance.probe, undefined, 'no probe result counted off the prober');
    }

    // The target goes away: the prober's probes mark it unhealthy, and every node shows it so.
    await closeListener(target);
    await shownOnAll(nodes, port, false, 'unhealthy');
    const marked = (await call(others[0].url, 'GET', '/v1/cairn/events?namespaceId=public&cause=HEALTH_MARKED')).json().events as { evidence: { healthy: boolean; via: string } }[];
    assert.deepEqual(
      marked.map((e) => [e.evidence.healthy, e.evidence.via]),
      [[false, 'cluster change log']],
    );

    // Back: healthy again everywhere (after the prober's consecutive passes).
    target = await listen(port);
    await shownOnAll(nodes, port, true, 'healthy again');
    for (const node of others) assert.equal(node.server.probes.stats.started, 0, 'still probed by one node only');

    // The prober stops renewing its lease, as a killed node does: once it is DOWN, another node probes the instance.
    await prober.server.membership.stop();
    await eventually(
      'another node probes it',
      async () => others.map((n) => n.server.probes.stats.started),
      (started) => started.filter((s) => s > 0).length === 1,
      10_000,
    );
    // The former prober goes for good; what the new one finds is shown by both survivors.
    await prober.close();
    nodes.splice(nodes.indexOf(prober), 1);
    await closeListener(target);
    await shownOnAll(others, port, false, 'unhealthy');
    target = await listen();
  });
}
