import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, startTestServer, type TestServer } from '../testing/test-server.js';
import { SHARED_DIALECTS, throwAwayDatabase } from '../testing/throwaway-database.js';

// Short leases so that a death shows within seconds (the defaults are a 2 s renewal and a 10 s lease); SUSPICIOUS
// only after 1 s without a renewal, so that a busy test machine does not make a live node look suspicious.
const FAST = { cluster: true, clusterRenewMs: 100, clusterLeaseMs: 2_000 } as const;

interface MemberJson {
  ip: string;
  port: number;
  address: string;
  state: string;
  extendInfo: { cairnNodeId: string; lastRefreshTime: number };
}

async function listed(node: TestServer): Promise<Record<string, string>> {
  const res = await call(node.url, 'GET', '/v1/core/cluster/nodes');
  assert.equal(res.status, 200, res.text);
  const body = res.json() as { code: number; data: MemberJson[] };
  assert.equal(body.code, 200);
  return Object.fromEntries(body.data.map((m) => [m.address, m.state]));
}

/** Polls until `check` passes (it throws until then), failing with its last error at the deadline. */
async function eventually(check: () => Promise<void>, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const addressOf = (node: TestServer): string => new URL(node.url).host;

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: three nodes list each other UP; a node that stops renewing turns DOWN on the others, one that leaves at once, and its restart shows UP again`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const nodes: TestServer[] = [];
    t.after(() => Promise.all(nodes.map((n) => n.close().catch(() => undefined))));
    for (let i = 0; i < 3; i++) nodes.push(await startTestServer({ db: db.url, ...FAST }));
    const [a, b, c] = nodes;
    const everyone = Object.fromEntries(nodes.map((n) => [addressOf(n), 'UP']));
    for (const node of nodes) {
      await eventually(async () => assert.deepEqual(await listed(node), everyone));
      const self = (await call(node.url, 'GET', '/v1/core/cluster/self')).json().data as MemberJson;
      assert.deepEqual([self.address, self.ip, self.port, self.state, self.extendInfo.cairnNodeId], [addressOf(node), '127.0.0.1', Number(new URL(node.url).port), 'UP', node.server.cluster?.node]);
    }
    await eventually(async () => {
      const v2 = (await call(a.url, 'GET', `/v2/core/cluster/node/list?state=up&address=${addressOf(b)}`)).json();
      assert.deepEqual([v2.code, v2.data.map((m: MemberJson) => m.address)], [0, [addressOf(b)]]);
    });
    assert.deepEqual((await call(a.url, 'GET', '/v2/core/cluster/node/self/health')).json(), { code: 0, message: 'success', data: 'UP' });
    const state = (await call(a.url, 'GET', '/v1/console/server/state')).json();
    assert.deepEqual([state.standalone_mode, state.startup_mode], ['cluster', 'cluster'], 'the console and tools are told it is a cluster');

    // C dies as a killed process does, without giving its lease back: DOWN for A and B once the lease lapses.
    await c.server.membership.stop();
    for (const node of [a, b]) await eventually(async () => assert.equal((await listed(node))[addressOf(c)], 'DOWN'));
    assert.equal((await listed(a))[addressOf(a)], 'UP');
    const down = (await call(a.url, 'GET', '/v2/core/cluster/node/list?state=DOWN')).json().data as MemberJson[];
    assert.deepEqual(
      down.map((m) => m.address),
      [addressOf(c)],
    );
    // The list ages between readings; the journal records what the next reading of the rows finds.
    await eventually(async () => {
      const journaled = (await call(a.url, 'GET', '/v1/cairn/events?namespaceId=public&cause=MEMBER_DOWN')).json();
      assert.deepEqual(
        journaled.events.map((e: { evidence: { address: string; node: string; leaseMs: number } }) => [e.evidence.address, e.evidence.node, e.evidence.leaseMs]),
        [[addressOf(c), c.server.cluster?.node, 2_000]],
      );
    });
    const scraped = (await call(a.url, 'GET', '/actuator/prometheus')).text;
    assert.match(scraped, /cairn_cluster_members\{state="UP"\} 2\n/);
    assert.match(scraped, /cairn_cluster_members\{state="DOWN"\} 1\n/);

    // B shuts down gracefully: DOWN on A at A's next reading, before B's lease (2 s) could lapse.
    const bAddress = addressOf(b);
    const bNode = b.server.cluster?.node;
    await b.close();
    nodes.splice(1, 1);
    await eventually(async () => assert.equal((await listed(a))[bAddress], 'DOWN'), 1_500);

    // B restarts on the same address with a new node id: listed once, UP, as the new run.
    const again = await startTestServer({ db: db.url, ...FAST, port: Number(bAddress.split(':')[1]) });
    nodes.push(again);
    assert.notEqual(again.server.cluster?.node, bNode);
    await eventually(async () => {
      const members = (await call(a.url, 'GET', '/v1/core/cluster/nodes')).json().data as MemberJson[];
      const atB = members.filter((m) => m.address === bAddress);
      assert.deepEqual(
        atB.map((m) => [m.state, m.extendInfo.cairnNodeId]),
        [['UP', again.server.cluster?.node]],
      );
    });
    assert.deepEqual(await listed(a), { [addressOf(a)]: 'UP', [bAddress]: 'UP', [addressOf(c)]: 'DOWN' });
    // A journaled B's graceful leave (its lease given back) and its return at the same address.
    await eventually(async () => {
      const events = (await call(a.url, 'GET', '/v1/cairn/events?namespaceId=public')).json().events as { cause: string; evidence: { address: string; node: string; leaseMs: number; previous: string | null } }[];
      // Newest first; before these two, B's join may be journaled too (when A read the rows before B started).
      assert.deepEqual(
        events
          .filter((e) => e.evidence.address === bAddress)
          .slice(0, 2)
          .map((e) => [e.cause, e.evidence.node, e.evidence.previous, e.evidence.leaseMs]),
        [
          ['MEMBER_UP', again.server.cluster?.node, 'DOWN', 2_000],
          ['MEMBER_DOWN', bNode, 'UP', 0],
        ],
      );
    });
  });
}

test('without cluster mode the list is this node alone, UP, at its address', async (t) => {
  const ts = await startTestServer();
  t.after(() => ts.close());
  const v1 = (await call(ts.url, 'GET', '/v1/core/cluster/nodes')).json();
  assert.equal(v1.code, 200);
  assert.deepEqual(
    v1.data.map((m: MemberJson) => [m.address, m.ip, m.port, m.state]),
    [[addressOf(ts), '127.0.0.1', Number(new URL(ts.url).port), 'UP']],
  );
  assert.deepEqual((await call(ts.url, 'GET', '/v1/core/cluster/simple/nodes')).json(), { code: 200, message: null, data: [addressOf(ts)] });
  assert.equal((await call(ts.url, 'GET', '/v2/core/cluster/node/self')).json().data.state, 'UP');
  assert.match((await call(ts.url, 'GET', '/actuator/prometheus')).text, /cairn_cluster_members\{state="UP"\} 1\n/);
  const bad = await call(ts.url, 'GET', '/v2/core/cluster/node/list?state=sleeping');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /Param 'state' must be one of/);
});
