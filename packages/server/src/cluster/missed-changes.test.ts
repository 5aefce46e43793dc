import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually } from '../testing/eventually.js';
import { call, startTestServer } from '../testing/test-server.js';
import { SHARED_DIALECTS, throwAwayDatabase } from '../testing/throwaway-database.js';

const SERVICE = 'serviceName=pay&groupName=DEFAULT_GROUP';
// Persistent, at a loopback address: test servers do not probe.
const PERSISTENT = 'serviceName=db&groupName=DEFAULT_GROUP';
const hosts = (url: string, service = SERVICE) => call(url, 'GET', `/v1/ns/instance/list?${service}&healthyOnly=false`).then((r) => (r.status === 200 ? (r.json().hosts as { ip: string }[]).map((h) => h.ip).sort() : []));
/** Answered 200, else fails with the answer's text. */
async function ok(answer: Promise<{ status: number; text: string }>): Promise<void> {
  const res = await answer;
  assert.equal(res.status, 200, res.text);
}
const config = (url: string, dataId: string) => call(url, 'GET', `/v1/cs/configs?dataId=${dataId}&group=G`).then((r) => (r.status === 200 ? r.text : undefined));

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: a node that missed changes the log no longer keeps reads everything again and matches the database`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const a = await startTestServer({ db: db.url, cluster: true });
    t.after(() => a.close());
    const b = await startTestServer({ db: db.url, cluster: true });
    t.after(() => b.close());

    // Known to both before B stops reading the log: a config that A later deletes, an instance A later deregisters.
    await ok(call(a.url, 'POST', '/v1/cs/configs', { dataId: 'old.yaml', group: 'G', content: 'old' }));
    await ok(call(a.url, 'POST', `/v1/ns/instance?${PERSISTENT}&ip=127.0.0.5&port=9001&ephemeral=false`));
    await eventually(
      'B has the config',
      () => config(b.url, 'old.yaml'),
      (c) => c === 'old',
    );
    await eventually(
      'B has the instance',
      () => hosts(b.url, PERSISTENT),
      (h) => h.length === 1,
    );

    // B stops reading the log (as when it cannot reach the database) while A changes things.
    const applier = b.server.cluster!.changes;
    await applier.stop();
    const position = applier.position;
    await ok(call(a.url, 'POST', '/v1/console/namespaces', { customNamespaceId: 'shop', namespaceName: 'Shop' }));
    await ok(call(a.url, 'POST', `/v1/ns/instance?${SERVICE}&ip=10.1.2.3&port=8080`));
    await ok(call(a.url, 'PUT', `/v1/ns/service?${SERVICE}&protectThreshold=0.3`));
    await ok(call(a.url, 'DELETE', `/v1/ns/instance?${PERSISTENT}&ip=127.0.0.5&port=9001&ephemeral=false`));
    await ok(call(a.url, 'POST', '/v1/cs/configs', { dataId: 'new.yaml', group: 'G', content: 'new' }));
    await ok(call(a.url, 'DELETE', '/v1/cs/configs?dataId=old.yaml&group=G'));
    await eventually(
      'A’s ephemeral row written',
      () => db.admin('SELECT ip FROM ephemeral_instances'),
      (rows) => (rows as unknown[]).length === 1,
    );

    // The log is pruned past B's position (all but the latest change, which shows the gap).
    const [{ seq: latest }] = (await db.admin('SELECT seq FROM cluster_sequence WHERE id = 1')) as { seq: number | string }[];
    await db.admin(`DELETE FROM cluster_changes WHERE seq < ${Number(latest)}`);
    assert.ok(Number(latest) > position + 1, 'B missed more than the one change kept');

    await applier.start(position);
    await applier.catchUp();
    assert.equal(applier.status.reloads, 1);
    const scraped = (await call(b.url, 'GET', '/actuator/prometheus')).text;
    assert.match(scraped, /\ncairn_cluster_reloads 1\n/);
    assert.match(scraped, new RegExp(`\\ncairn_cluster_change_position ${Number(latest)}\\n`));
    const namespaces = (await call(b.url, 'GET', '/v1/console/namespaces')).json().data.map((n: { namespace: string }) => n.namespace);
    assert.ok(namespaces.includes('shop'), `namespaces on B: ${namespaces}`);
    assert.equal((await call(b.url, 'GET', `/v1/ns/service?${SERVICE}`)).json().protectThreshold, 0.3);
    assert.deepEqual(await hosts(b.url), ['10.1.2.3'], 'the ephemeral one listed');
    assert.deepEqual(await hosts(b.url, PERSISTENT), [], 'the deregistered persistent one gone');
    assert.equal(await config(b.url, 'new.yaml'), 'new');
    assert.equal(await config(b.url, 'old.yaml'), undefined, 'the deleted config is gone');
  });
}
