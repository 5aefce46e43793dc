import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSqlite } from '../drivers/sqlite/open-sqlite.js';
import { SqlMemberStore } from './sql-member-store.js';

// The SQL of each dialect runs in the server's cluster tests on PostgreSQL and MariaDB; SQLite checks the logic here.
test('a renewal creates the row once and then moves only its renewal; leaving gives the lease back; prune removes old rows', async () => {
  const db = openSqlite(':memory:');
  try {
    const members = new SqlMemberStore(db);
    await members.renew({ node: 'n1', address: '10.0.0.1:8848', leaseMs: 10_000 });
    const [first] = await members.list();
    assert.equal(first.node, 'n1');
    assert.equal(first.address, '10.0.0.1:8848');
    assert.equal(first.leaseMs, 10_000);
    assert.equal(first.startedAt, first.renewedAt);
    assert.ok(first.sinceRenewalMs >= 0 && first.sinceRenewalMs < 5_000, `age ${first.sinceRenewalMs}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await members.renew({ node: 'n1', address: '10.0.0.1:8848', leaseMs: 8_000 });
    const [second] = await members.list();
    assert.equal(second.startedAt, first.startedAt);
    assert.ok(second.renewedAt > first.renewedAt);
    assert.equal(second.leaseMs, 8_000);
    await members.leave('n1');
    assert.equal((await members.list())[0].leaseMs, 0);
    await members.prune(60_000);
    assert.equal((await members.list()).length, 1);
    await db.query('UPDATE cluster_members SET renewed_at = renewed_at - 120000');
    await members.prune(60_000);
    assert.deepEqual(await members.list(), []);
  } finally {
    await db.close();
  }
});
