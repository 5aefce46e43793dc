import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectedClient, instanceRequest, javaSetup } from '../testing/grpc-test-client.js';
import { call, startTestServer, type TestServer } from '../testing/test-server.js';
import { eventually } from '../testing/eventually.js';
import { SHARED_DIALECTS, throwAwayDatabase } from '../testing/throwaway-database.js';

type Host = { ip: string; port: number; healthy: boolean };
const SERVICE = 'serviceName=cart&groupName=DEFAULT_GROUP';
// Ephemeral instances are never dialled: a made-up address is only data.
const IP = '10.1.2.3';
const hosts = (node: TestServer) => call(node.url, 'GET', `/v1/ns/instance/list?${SERVICE}&healthyOnly=false`).then((r) => (r.status === 200 ? (r.json().hosts as Host[]) : []));
const listed = (h: Host[]) => h.some((x) => x.ip === IP);
const beat = (node: TestServer) => call(node.url, 'PUT', `/v1/ns/instance/beat?${SERVICE}&beat=${encodeURIComponent(JSON.stringify({ ip: IP, port: 8080, serviceName: 'DEFAULT_GROUP@@cart', cluster: 'DEFAULT' }))}`);

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: an ephemeral instance registered on one node is listed on every node, follows its owner's health and expiry, and moves with its beats`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const nodes: TestServer[] = [];
    t.after(() => Promise.all(nodes.map((n) => n.close())));
    // A runs on a fake clock, so its beat deadlines can be passed at will; B and C on the real one.
    nodes.push(await startTestServer({ db: db.url, cluster: true }, { fakeTime: true }));
    for (let i = 0; i < 2; i++) nodes.push(await startTestServer({ db: db.url, cluster: true }));
    const [a, b, c] = nodes;

    assert.equal((await call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=${IP}&port=8080`)).status, 200);
    for (const node of [b, c]) await eventually('registration on A', () => hosts(node), listed);
    // The other nodes' journals say where it happened: A's address.
    const journaled = (await call(b.url, 'GET', `/v1/cairn/events?${SERVICE}&namespaceId=public&ip=${IP}&port=8080&cause=INSTANCE_REGISTERED`)).json().events as { evidence: { by: string; via: string } }[];
    assert.deepEqual(
      journaled.map((e) => [e.evidence.by, e.evidence.via]),
      [[a.server.membership.self().address, 'cluster change log']],
    );

    // A late beat (8 s after the one before, interval 5 s) is journaled on A but changes no row: nothing is written.
    // (Another instance's, so that the one above keeps its history.)
    const lateIp = '10.1.2.9';
    const beatLate = () => call(a.url, 'PUT', `/v1/ns/instance/beat?${SERVICE}&beat=${encodeURIComponent(JSON.stringify({ ip: lateIp, port: 8080, serviceName: 'DEFAULT_GROUP@@cart', cluster: 'DEFAULT' }))}`);
    const changesOfA = () => db.admin(`SELECT COUNT(*) AS n FROM cluster_changes WHERE node = '${a.server.cluster!.node}'`).then((rows) => Number((rows as { n: unknown }[])[0].n));
    assert.equal((await call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=${lateIp}&port=8080`)).status, 200);
    assert.equal((await beatLate()).status, 200);
    await eventually(
      'its row written',
      () => db.admin(`SELECT ip FROM ephemeral_instances WHERE ip = '${lateIp}'`),
      (rows) => (rows as unknown[]).length === 1,
    );
    const before = await changesOfA();
    a.time!.advance(8_000);
    assert.equal((await beatLate()).status, 200);
    const late = (await call(a.url, 'GET', `/v1/cairn/events?${SERVICE}&namespaceId=public&ip=${lateIp}&port=8080&cause=BEAT_LATE`)).json().events as unknown[];
    assert.equal(late.length, 1, 'the beat was late');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await changesOfA(), before, 'a late beat wrote nothing');
    assert.equal((await call(a.url, 'DELETE', `/v1/ns/instance?${SERVICE}&ip=${lateIp}&port=8080`)).status, 200);
    await eventually(
      'its row removed',
      () => db.admin(`SELECT ip FROM ephemeral_instances WHERE ip = '${lateIp}'`),
      (rows) => (rows as unknown[]).length === 0,
    );

    // A's clock passes the beat timeout (15 s): A marks it unhealthy, and so do B and C; then the delete timeout.
    a.time!.advance(16_000);
    for (const node of [b, c])
      await eventually(
        'unhealthy on A',
        () => hosts(node),
        (h) => h.some((x) => x.ip === IP && !x.healthy),
      );
    a.time!.advance(15_000);
    for (const node of [b, c])
      await eventually(
        'expired on A',
        () => hosts(node),
        (h) => !listed(h),
      );
    // B journals A's own events, with A's evidence and A's address, and explains the removal as A would.
    const events = (await call(b.url, 'GET', `/v1/cairn/events?${SERVICE}&namespaceId=public&ip=${IP}&port=8080`)).json().events as { cause: string; evidence: { node?: string; timeoutMs?: number; deleteTimeoutMs?: number } }[];
    const fromA = events.filter((e) => e.evidence.node === a.server.membership.self().address).map((e) => e.cause);
    assert.deepEqual(fromA, ['INSTANCE_EXPIRED', 'BEAT_MISSED'], JSON.stringify(events));
    assert.equal(events.find((e) => e.cause === 'BEAT_MISSED')?.evidence.timeoutMs, 15_000);
    const why = (await call(b.url, 'GET', `/v1/cairn/diagnosis?${SERVICE}&ip=${IP}&port=8080`)).json().explanation as string;
    assert.match(why, /^Removed at .* after 30 s without a heartbeat; registered .*: the client stopped or lost its network\. \(Decided on its owner node 127\.0\.0\.1:\d+;/);

    // Registered on A again, then its client beats to B (a 1.x client rotating servers): B owns it from now on.
    assert.equal((await call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=${IP}&port=8080`)).status, 200);
    await eventually('registration on B', () => hosts(b), listed);
    assert.equal((await beat(b)).status, 200);
    await eventually(
      'owner moved to B',
      () => db.admin('SELECT owner FROM ephemeral_instances'),
      (rows) => (rows as { owner: string }[])[0]?.owner === b.server.cluster?.node,
    );
    // Once A has read the move, A's clock passes both timeouts: A no longer owns it, so it stays everywhere.
    await a.server.cluster!.changes.catchUp();
    a.time!.advance(31_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const node of [a, b, c]) await node.server.cluster!.changes.catchUp();
    for (const [i, node] of [a, b, c].entries()) await eventually(`kept on node ${'ABC'[i]} (its beats go to B now)`, () => hosts(node), listed);

    // Deregistered on B: gone everywhere.
    assert.equal((await call(b.url, 'DELETE', `/v1/ns/instance?${SERVICE}&ip=${IP}&port=8080`)).status, 200);
    for (const node of [a, c])
      await eventually(
        'deregistration on B',
        () => hosts(node),
        (h) => !listed(h),
      );
  });
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: a former owner that has not yet read that another node took its instance over never takes it back`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const a = await startTestServer({ db: db.url, cluster: true }, { fakeTime: true });
    t.after(() => a.close());
    const b = await startTestServer({ db: db.url, cluster: true });
    t.after(() => b.close());
    assert.equal((await call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=${IP}&port=8080`)).status, 200);
    await eventually('registration on A', () => hosts(b), listed);

    // A stops reading the change log (as when it cannot reach the database for a moment); the client beats to B.
    const applier = a.server.cluster!.changes;
    await applier.stop();
    const position = applier.position;
    assert.equal((await beat(b)).status, 200);
    const owner = () => db.admin('SELECT owner, healthy FROM ephemeral_instances').then((rows) => (rows as { owner: string; healthy: unknown }[])[0]);
    await eventually('owner moved to B', owner, (row) => row?.owner === b.server.cluster?.node);

    // A's timer, which does not know, marks it unhealthy and writes that: the row B owns must not change.
    const changesOfA = () => db.admin(`SELECT COUNT(*) AS n FROM cluster_changes WHERE node = '${a.server.cluster!.node}'`).then((rows) => Number((rows as { n: unknown }[])[0].n));
    const written = await changesOfA();
    a.time!.advance(16_000);
    await eventually('A wrote its health flip', changesOfA, (n) => n > written);
    assert.equal((await owner()).owner, b.server.cluster?.node, 'still B’s row');
    assert.ok(Boolean((await owner()).healthy), 'still healthy, as B keeps it');

    // Once A reads the log again it lets go; B keeps it healthy.
    await applier.start(position);
    await applier.catchUp();
    await b.server.cluster!.changes.catchUp();
    assert.deepEqual(
      (await hosts(b)).map((h) => [h.ip, h.healthy]),
      [[IP, true]],
    );
    assert.equal((await owner()).owner, b.server.cluster?.node);
  });
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: a node cut off from the database while its client beats it: the others expire the instance, and it is listed again once the node is back`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const fast = { db: db.url, cluster: true, clusterRenewMs: 100, clusterLeaseMs: 1_000 } as const;
    const a = await startTestServer(fast);
    t.after(() => a.close());
    const b = await startTestServer(fast);
    t.after(() => b.close());
    const timing = encodeURIComponent(JSON.stringify({ 'preserved.heart.beat.interval': '500', 'preserved.heart.beat.timeout': '1500', 'preserved.ip.delete.timeout': '2000' }));
    assert.equal((await call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=${IP}&port=8080&metadata=${timing}`)).status, 200);
    await eventually('registration on A', () => hosts(b), listed);
    // Its client keeps beating A all along.
    const beating = setInterval(() => void beat(a).catch(() => undefined), 250);
    t.after(() => clearInterval(beating));

    // A loses the database: it neither renews its lease nor reads the change log (its memory and its client go on).
    const address = a.server.membership.self().address;
    await a.server.membership.stop();
    const applier = a.server.cluster!.changes;
    await applier.stop();
    const position = applier.position;
    // B takes the instance over at the lapse and, with no beat reaching it, expires it.
    await eventually(
      'expired on B',
      () => hosts(b),
      (h) => !listed(h),
      8_000,
    );
    await eventually(
      'its row removed (B writes in the background)',
      () => db.admin('SELECT owner FROM ephemeral_instances'),
      (rows) => (rows as unknown[]).length === 0,
    );
    assert.ok(listed(await hosts(a)), 'still listed on A, whose client beats it');

    // A is back: it reads that the row went while it kept the instance, and writes it again.
    await applier.start(position);
    await a.server.membership.start(address);
    await eventually(
      'listed on B again',
      () => hosts(b),
      (h) => h.some((x) => x.ip === IP && x.healthy),
      5_000,
    );
    assert.deepEqual(await db.admin('SELECT owner FROM ephemeral_instances'), [{ owner: a.server.cluster!.node }]);

    // Cut off a second time (its client still beating it): B takes the instance over and expires it again. A run
    // that came back is not remembered as dealt with, or B would hold the instance for it for ever.
    await a.server.membership.stop();
    await applier.stop();
    await eventually(
      'expired on B a second time',
      () => hosts(b),
      (h) => !listed(h),
      8_000,
    );
  });
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: instances a gRPC connection registers on one node are listed on the others, and leave everywhere when it closes`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const a = await startTestServer({ db: db.url, cluster: true, grpcPort: -1 });
    const b = await startTestServer({ db: db.url, cluster: true });
    t.after(() => Promise.all([a.close(), b.close()]));
    const { client } = await connectedClient(a.server.grpcPort!, javaSetup('naming'));
    t.after(() => client.close());
    const answer = await client.request('InstanceRequest', instanceRequest('cart', 'registerInstance', { ip: IP, port: 8080, ephemeral: true, healthy: true, enabled: true, weight: 1, clusterName: 'DEFAULT', metadata: {} }));
    assert.equal(answer.type, 'InstanceResponse', JSON.stringify(answer.body));
    await eventually('gRPC registration on A', () => hosts(b), listed);
    client.close();
    await eventually(
      'connection to A closed',
      () => hosts(b),
      (h) => !listed(h),
    );
  });
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: when a node stops renewing its lease, one survivor takes over its instances' expiry: a silent one leaves on its own timeouts, explained by the node's death; one whose client beats elsewhere stays`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const fast = { db: db.url, cluster: true, clusterRenewMs: 100, clusterLeaseMs: 1_000 } as const;
    const nodes = [await startTestServer(fast), await startTestServer(fast), await startTestServer(fast)];
    t.after(() => Promise.all(nodes.map((n) => n.close())));
    const [a, b, c] = nodes;
    const moved = '10.1.2.4';
    // Unhealthy 4 s and removed 6 s after its last beat (counted, once A is lost, from A's last renewal): the lapse is
    // noticed about 1 s after that renewal, which leaves a loaded machine seconds to see it still listed.
    const timing = encodeURIComponent(JSON.stringify({ 'preserved.heart.beat.interval': '1000', 'preserved.heart.beat.timeout': '4000', 'preserved.ip.delete.timeout': '6000' }));
    assert.equal((await call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=${IP}&port=8080&metadata=${timing}`)).status, 200);
    assert.equal((await call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=${moved}&port=8080`)).status, 200);
    for (const node of [b, c])
      await eventually(
        'both on A',
        () => hosts(node),
        (h) => h.length === 2,
      );
    // The second one's client beats to B now (it moved before A died).
    const beatMoved = await call(b.url, 'PUT', `/v1/ns/instance/beat?${SERVICE}&beat=${encodeURIComponent(JSON.stringify({ ip: moved, port: 8080, serviceName: 'DEFAULT_GROUP@@cart', cluster: 'DEFAULT' }))}`);
    assert.equal(beatMoved.status, 200);
    await eventually(
      'owner of the moved one',
      () => db.admin(`SELECT owner FROM ephemeral_instances WHERE ip = '${moved}'`),
      (rows) => (rows as { owner: string }[])[0]?.owner === b.server.cluster?.node,
    );

    // A dies as a crashed node does: it stops renewing and never gives its lease back; then it stops altogether
    // (alive, its own timers would write the silent instance's health and removal, which a dead node cannot).
    const address = a.server.membership.self().address;
    await a.server.membership.stop();
    nodes.splice(nodes.indexOf(a), 1);
    await a.close();
    const survivors = new Map([b, c].map((n) => [n.server.cluster?.node, n]));
    const [row] = (await eventually(
      'one survivor owns the silent instance',
      () => db.admin(`SELECT owner FROM ephemeral_instances WHERE ip = '${IP}'`),
      (rows) => survivors.has((rows as { owner: string }[])[0]?.owner),
      3_000,
    )) as { owner: string }[];
    // Not removed at the lapse: it is timed from A's last renewal now.
    for (const node of [b, c]) assert.ok(listed(await hosts(node)), 'still listed right after the take-over');
    for (const node of [b, c]) {
      const h = await eventually(
        'the silent one gone',
        () => hosts(node),
        (h) => !listed(h),
        8_000,
      );
      assert.deepEqual(
        h.map((x) => x.ip),
        [moved],
        'the one whose client beats to B stays',
      );
    }
    assert.deepEqual(await db.admin(`SELECT ip FROM ephemeral_instances ORDER BY ip`), [{ ip: moved }]);
    const adopter = survivors.get(row.owner)!;
    // Exactly one node took it over; the other followed the database.
    const reasons = async (node: TestServer) =>
      ((await call(node.url, 'GET', `/v1/cairn/events?${SERVICE}&namespaceId=public&ip=${IP}&port=8080&cause=OWNER_CHANGED`)).json().events as { evidence: { reason: string } }[]).map((e) => e.evidence.reason);
    for (const node of [b, c]) assert.deepEqual(await reasons(node), [node === adopter ? 'owner-lost' : 'owner-moved']);
    const why = await call(adopter.url, 'GET', `/v1/cairn/diagnosis?${SERVICE}&ip=${IP}&port=8080`);
    assert.match(String(why.json().explanation), new RegExp(`its owner node ${address.replace(/\./g, '\\.')} stopped renewing its lease`), JSON.stringify(why.json()));
  });
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: while the database takes no writes, ephemeral registrations and beats are answered from memory and reach the other nodes after; a persistent one is refused 503`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    // A short store wait: a request held for the database gives up (503) in a second rather than the default.
    const a = await startTestServer({ db: db.url, cluster: true, storeWaitMs: 1_000 });
    const b = await startTestServer({ db: db.url, cluster: true });
    t.after(() => Promise.all([a.close(), b.close()]));
    // Every logged write waits for the change counter's row, which this transaction holds.
    await db.admin('BEGIN');
    await db.admin('SELECT seq FROM cluster_sequence WHERE id = 1 FOR UPDATE');
    let released = false;
    t.after(async () => {
      if (!released) await db.admin('ROLLBACK');
    });
    assert.equal((await call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=${IP}&port=8080`)).status, 200);
    assert.equal((await beat(a)).status, 200);
    assert.ok(listed(await hosts(a)));
    const persistent = await call(a.url, 'POST', `/v1/ns/instance?serviceName=stored&ip=127.0.0.7&port=8080&ephemeral=false`);
    assert.equal(persistent.status, 503, persistent.text);
    await db.admin('COMMIT');
    released = true;
    await eventually('registration made while the database held writes', () => hosts(b), listed);
  });
}
