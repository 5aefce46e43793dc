import { type NpmRequest, NacosNamingClient, recordingHttpClient } from '../testing/nacos-npm-naming.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../testing/eventually.js';
import { portsOf, RustNamingClient } from '../testing/rust-naming-client.js';
import { downMembers, FAST_CLUSTER, killNode, listedPorts, ownerOf, type SpawnedNode, startSpawnedCluster } from '@cairn/testkit';
import { SHARED_DIALECTS, throwAwayDatabase } from '../testing/throwaway-database.js';

/*
 * Real clients given the list of three real cluster nodes (server processes on one throw-away database) lose the
 * node they use to SIGKILL: their instances and subscriptions carry on through the other nodes.
 */

// The 1.x client beats at the interval the server answers; 1 s keeps the run short (its first beat still comes 10 s
// after it was created: the client's own initial interval).
const BEAT_MS = 1_000;
const quiet = { info() {}, debug() {}, warn() {}, error() {} };
const same = (a: readonly number[] | undefined, b: readonly number[]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Reads `survivor`'s list until every node of `killed` is DOWN there and `afterDownMs` more have passed; answers
 * the times (ms after the call) at which `port` was not listed.
 */
async function watchListed(survivor: SpawnedNode, killed: readonly SpawnedNode[], service: string, port: number, afterDownMs: number): Promise<number[]> {
  const started = Date.now();
  const missing: number[] = [];
  let downAt: number | undefined;
  for (;;) {
    if (!(await listedPorts(survivor, service)).includes(port)) missing.push(Date.now() - started);
    if (downAt === undefined) {
      const down = await downMembers(survivor);
      if (killed.every((k) => down.includes(k.address))) downAt = Date.now();
    }
    if (downAt !== undefined && Date.now() - downAt > afterDownMs) return missing;
    if (Date.now() - started > FAST_CLUSTER.leaseMs * 8) assert.fail(`the killed nodes are not DOWN on the survivor ${FAST_CLUSTER.leaseMs * 8} ms after the kill`);
    await sleep(20);
  }
}

/** True when `on` holds the instance at `port` through a client's gRPC connection (not a stand-in or beats). */
async function connectionHolds(on: SpawnedNode, service: string, port: number): Promise<boolean> {
  const res = await fetch(`${on.server.url}/v2/ns/client/service/publisher/list?serviceName=${encodeURIComponent(service)}&port=${port}`);
  const publishers = ((await res.json()) as { data?: { clientId: string }[] }).data ?? [];
  // A connection's id is `<millis>_<client ip>_<client port>`, as Nacos forms it.
  return publishers.some((p) => /^\d+_127\.0\.0\.1_\d+$/.test(p.clientId));
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: the nacos npm client given three nodes keeps its instance and its subscription when the two nodes it used are SIGKILLed`, { timeout: 120_000 }, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const service = 'npm-failover';
    const nodes = await startSpawnedCluster(t, db, 3, ['--beat-interval-ms', String(BEAT_MS)]);
    const serverList = nodes.map((n) => n.address).join(',');
    const requests: NpmRequest[] = [];
    const producer = new NacosNamingClient({ logger: quiet, serverList, namespace: 'public', httpclient: recordingHttpClient(requests) });
    const consumer = new NacosNamingClient({ logger: quiet, serverList, namespace: 'public' });
    t.after(() => Promise.all([producer.close(), consumer.close()]));

    await producer.registerInstance(service, { ip: '127.0.0.1', port: 9101 });
    for (const node of nodes)
      await eventually(
        `registration listed on ${node.address}`,
        () => listedPorts(node, service),
        (p) => same(p, [9101]),
      );
    const seen: number[][] = [];
    consumer.subscribe({ serviceName: service }, (hosts) => seen.push(portsOf(hosts)));
    await eventually(
      'the subscriber is told',
      async () => seen.at(-1),
      (p) => same(p, [9101]),
      5_000,
    );

    // The client's first beat comes 10 s after it was created; from then on its beats go to a random node each.
    const beats = () => requests.filter((r) => r.path.endsWith('/instance/beat') && r.status === 200);
    await eventually(
      'the first beats answered',
      async () => beats().length,
      (n) => n >= 2,
      15_000,
    );
    const owner = await eventually(
      'the instance has an owner',
      () => ownerOf(db, nodes, 9101),
      (n) => n !== undefined,
    );
    // Every node but one dies, the owner among them: the survivor has held the instance only through the owner.
    const survivor = nodes.find((n) => n !== owner)!;
    const killed = nodes.filter((n) => n !== survivor);
    await Promise.all(killed.map(killNode));
    const beatsBefore = beats().length;

    // Its beats go to the survivor now, which takes the instance over before the owner's lease lapses: it stays.
    const missing = await watchListed(survivor, killed, service, 9101, 3 * BEAT_MS);
    t.diagnostic(`not listed on the survivor ${missing.length ? `at ${missing[0]}..${missing.at(-1)} ms after the kill (${missing.length} reads)` : 'at any read after the kill'}`);
    assert.deepEqual(missing, [], 'the instance whose client beats to the survivor left its list');
    assert.ok(beats().length > beatsBefore, 'the client beat the survivor');
    assert.equal((await ownerOf(db, nodes, 9101))?.address, survivor.address, 'the survivor owns the instance');

    // A new registration, through the same client, reaches the old subscriber and a new one.
    await producer.registerInstance(service, { ip: '127.0.0.1', port: 9102 });
    await eventually(
      'second registration listed',
      () => listedPorts(survivor, service),
      (p) => same(p, [9101, 9102]),
    );
    // The subscriber polls every 10 s (cacheMillis); the push went to a dead node if it had subscribed there.
    await eventually(
      'the old subscriber is told',
      async () => seen.at(-1),
      (p) => same(p, [9101, 9102]),
      15_000,
    );
    const late = new NacosNamingClient({ logger: quiet, serverList, namespace: 'public' });
    t.after(() => late.close());
    const lateSeen: number[][] = [];
    late.subscribe({ serviceName: service }, (hosts) => lateSeen.push(portsOf(hosts)));
    await eventually(
      'a new subscriber is told',
      async () => lateSeen.at(-1),
      (p) => same(p, [9101, 9102]),
      5_000,
    );
  });
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: the Rust SDK (gRPC) given three nodes reconnects to another when its node is SIGKILLed, registers again there, and the survivors list and push its instance`, { timeout: 120_000 }, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const service = 'grpc-failover';
    const nodes = await startSpawnedCluster(t, db, 3);
    // The SDK splits serverAddr on commas and starts at a random one of the list.
    const holder = await RustNamingClient.start(nodes[0].port, { serverAddr: nodes.map((n) => n.address).join(',') });
    t.after(() => holder.dispose());
    await holder.run('registerInstance', service, 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 9201 });
    for (const node of nodes)
      await eventually(
        `registration listed on ${node.address}`,
        () => listedPorts(node, service),
        (p) => same(p, [9201]),
      );
    const owner = (await eventually(
      'the instance has an owner',
      () => ownerOf(db, nodes, 9201),
      (n) => n !== undefined,
    ))!;
    const survivors = nodes.filter((n) => n !== owner);

    // A subscriber on a survivor (its list has that node alone).
    const watcher = await RustNamingClient.start(survivors[0].port);
    t.after(() => watcher.dispose());
    await watcher.run('subscribe', service, 'DEFAULT_GROUP', []);
    await eventually(
      'the subscriber is pushed the instance',
      async () => watcher.pushes.at(-1),
      (h) => h !== undefined && same(portsOf(h), [9201]),
      5_000,
    );

    await killNode(owner);
    const killedAt = Date.now();
    // The SDK notices a dead server by its health checks (every 5 s; the broken stream alone does not make it
    // reconnect), some 10 s after the kill, and registers again on the node it reconnects to. Meanwhile the dead
    // node's lease lapsed and a survivor adopted the instance: both survivors list it at every read throughout.
    const missing: string[] = [];
    let back: boolean[] = [];
    while (!back.some(Boolean)) {
      for (const node of survivors) if (!(await listedPorts(node, service)).includes(9201)) missing.push(`${Date.now() - killedAt} ms on ${node.address}`);
      if (Date.now() - killedAt > 30_000) assert.fail('the client did not register again on a survivor within 30 s');
      back = await Promise.all(survivors.map((n) => connectionHolds(n, service, 9201)));
      await sleep(20);
    }
    t.diagnostic(
      `registered again on ${back[0] ? 'the subscriber' : 'the other survivor'}'s node ${Date.now() - killedAt} ms after the kill (lease ${FAST_CLUSTER.leaseMs} ms); not listed ${missing.length ? missing.slice(0, 3).join(', ') : 'at any read'}`,
    );
    assert.deepEqual(missing, [], 'the instance of a live client left a survivor while it reconnected');
    for (const node of survivors)
      await eventually(
        `listed on survivor ${node.address}`,
        () => listedPorts(node, service),
        (p) => same(p, [9201]),
      );
    await eventually(
      'the subscriber holds the instance',
      async () => watcher.pushes.at(-1),
      (h) => h !== undefined && same(portsOf(h), [9201]),
      5_000,
    );

    // The client goes on working through its new node: a new registration is listed and pushed.
    await holder.run('registerInstance', service, 'DEFAULT_GROUP', { ip: '127.0.0.1', port: 9202 });
    for (const node of survivors)
      await eventually(
        `second registration listed on ${node.address}`,
        () => listedPorts(node, service),
        (p) => same(p, [9201, 9202]),
      );
    await eventually(
      'the subscriber is pushed both',
      async () => watcher.pushes.at(-1),
      (h) => h !== undefined && same(portsOf(h), [9201, 9202]),
      5_000,
    );
  });
}
