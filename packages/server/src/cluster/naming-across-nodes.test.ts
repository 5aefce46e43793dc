import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, startTestServer, type TestServer } from '../testing/test-server.js';
import { eventually } from '../testing/eventually.js';
import { SHARED_DIALECTS, throwAwayDatabase } from '../testing/throwaway-database.js';

const SERVICE = 'serviceName=orders&groupName=DEFAULT_GROUP&namespaceId=shop';
const hosts = (node: TestServer) => call(node.url, 'GET', `/v1/ns/instance/list?${SERVICE}&healthyOnly=false`).then((r) => (r.status === 200 ? (r.json().hosts as { ip: string; port: number; weight: number }[]) : []));

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: namespaces, service definitions and persistent instances written on one node are seen on the others within a second`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const nodes: TestServer[] = [];
    t.after(() => Promise.all(nodes.map((n) => n.close())));
    for (let i = 0; i < 3; i++) nodes.push(await startTestServer({ db: db.url, cluster: true }));
    const [a, b, c] = nodes;

    assert.equal((await call(a.url, 'POST', '/v1/console/namespaces', { customNamespaceId: 'shop', namespaceName: 'Shop' })).status, 200);
    await eventually(
      'namespace on C',
      () => call(c.url, 'GET', '/v1/console/namespaces').then((r) => r.json().data.map((n: { namespace: string }) => n.namespace)),
      (ids: string[]) => ids.includes('shop'),
    );

    assert.equal((await call(a.url, 'POST', `/v1/ns/service?${SERVICE}&protectThreshold=0.3&metadata=${encodeURIComponent('{"team":"pay"}')}`)).status, 200);
    const detail = await eventually(
      'service definition on B',
      () => call(b.url, 'GET', `/v1/ns/service?${SERVICE}`),
      (r) => r.status === 200,
    );
    assert.equal(detail.json().protectThreshold, 0.3);
    assert.deepEqual(detail.json().metadata, { team: 'pay' });

    // Persistent, at a loopback address: test servers do not probe, and nothing leaves the machine either way.
    assert.equal((await call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=127.0.0.5&port=9001&ephemeral=false&weight=2`)).status, 200);
    for (const node of [b, c])
      await eventually(
        'persistent instance',
        () => hosts(node),
        (h) => h.some((x) => x.ip === '127.0.0.5' && x.weight === 2),
      );

    // A change on B reaches A and C; a deregistration on C reaches A and B.
    assert.equal((await call(b.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=127.0.0.5&port=9001&ephemeral=false&weight=5`)).status, 200);
    for (const node of [a, c])
      await eventually(
        're-registration from B',
        () => hosts(node),
        (h) => h.some((x) => x.ip === '127.0.0.5' && x.weight === 5),
      );
    assert.equal((await call(c.url, 'DELETE', `/v1/ns/instance?${SERVICE}&ip=127.0.0.5&port=9001&ephemeral=false`)).status, 200);
    for (const node of [a, b])
      await eventually(
        'deregistration from C',
        () => hosts(node),
        (h) => h.length === 0,
      );

    // A node started now loads what is stored, and applies what comes after.
    const d = await startTestServer({ db: db.url, cluster: true });
    nodes.push(d);
    assert.equal((await call(d.url, 'GET', `/v1/ns/service?${SERVICE}`)).json().protectThreshold, 0.3);
    assert.equal((await call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=127.0.0.6&port=9001&ephemeral=false`)).status, 200);
    await eventually(
      'registration after D started',
      () => hosts(d),
      (h) => h.some((x) => x.ip === '127.0.0.6'),
    );

    // Every node applied every other node's changes, and wrote none of them back (no change is logged twice).
    const logged = (await db.admin('SELECT node, change_keys FROM cluster_changes ORDER BY seq')) as { node: string; change_keys: string }[];
    const own = new Set(nodes.map((n) => n.server.cluster?.node));
    assert.ok(logged.every((row) => own.has(row.node)));
    const instanceRows = logged.filter((row) => row.change_keys.includes('"instance"'));
    assert.equal(instanceRows.length, 4, `one change per registration or deregistration, none echoed: ${JSON.stringify(instanceRows)}`);
  });
}
