import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { eventually } from '../testing/eventually.js';
import { SHARED_DIALECTS, type SharedDialect, throwAwayDatabase } from '../testing/throwaway-database.js';
import { loginToken, sendAs, sendForm, startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../testing/test-server.js';

/** What another node must show within this time after a change was answered. */

/** Two nodes with auth on, sharing a throw-away database (undefined when the database server is not there). */
async function twoNodes(t: TestContext, dialect: SharedDialect): Promise<[TestServer, TestServer] | undefined> {
  const db = await throwAwayDatabase(t, dialect);
  if (!db) return undefined;
  const start = () => startTestServer({ db: db.url, cluster: true, authEnabled: true }, { adminPassword: TEST_ADMIN_PASSWORD });
  const a = await start();
  t.after(() => a.close());
  const b = await start();
  t.after(() => b.close());
  return [a, b];
}

async function canLogIn(node: TestServer, username: string, password: string): Promise<boolean> {
  return (await sendForm(node.url, 'POST', '/v1/auth/login', { username, password })).status === 200;
}

const LIST = { serviceName: 'orders', namespaceId: 'dev' };

/** Through A: user alice in role dev (with `grant`, if given); resolves once alice logs in on B. */
async function aliceInDev(adminOnA: ReturnType<typeof sendAs>, b: TestServer, grant?: { resource: string; action: string }): Promise<void> {
  await adminOnA('POST', '/v1/auth/users', { username: 'alice', password: 'alice-password' });
  await adminOnA('POST', '/v1/auth/roles', { role: 'dev', username: 'alice' });
  if (grant) await adminOnA('POST', '/v1/auth/permissions', { role: 'dev', ...grant });
  await eventually('alice logs in on B', () => canLogIn(b, 'alice', 'alice-password'));
}

for (const { dialect, name } of SHARED_DIALECTS) {
  describe(`auth across nodes on ${name}`, () => {
    test('two nodes starting at once on an empty database make one admin (its password shown once) and sign alike', async (t) => {
      const db = await throwAwayDatabase(t, dialect);
      if (!db) return;
      const shown: string[] = [];
      // No configured password: each node would make a random one, so only one of them may be kept and shown.
      const start = () => startTestServer({ db: db.url, cluster: true, authEnabled: true }, { adminPassword: '', announce: (text) => shown.push(text) });
      const started = await Promise.allSettled([start(), start()]);
      const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      t.after(() => Promise.all(up.map((node) => node.close())));
      for (const s of started) if (s.status === 'rejected') throw s.reason;
      const [a, b] = up;
      assert.equal(shown.length, 1, `one first admin announced, got ${shown.length}`);
      const password = /password (\S+)/.exec(shown[0])?.[1] ?? '';
      assert.equal((await db.admin('SELECT username FROM auth_users')).length, 1);
      const tokenOfA = await loginToken(a.url, 'nacos', password);
      const tokenOfB = await loginToken(b.url, 'nacos', password);
      // Each node's token works on the other (a key one node made at the same time is learnt from the change log).
      await eventually(
        "each node's token is accepted by the other",
        async () => (await sendAs(b.url, tokenOfA)('GET', '/v1/auth/users', { pageNo: '1', pageSize: '10' })).status === 200 && (await sendAs(a.url, tokenOfB)('GET', '/v1/auth/users', { pageNo: '1', pageSize: '10' })).status === 200,
      );
      const signing = async (node: TestServer) => JSON.parse((await sendAs(node.url, tokenOfA)('GET', '/v1/cairn/auth/keys')).text).signing as string;
      await eventually('both nodes sign with the same key', async () => (await signing(a)) === (await signing(b)));
    });

    test('a user created on one node logs in on the other; its password changed there is refused here at once', async (t) => {
      const nodes = await twoNodes(t, dialect);
      if (!nodes) return;
      const [a, b] = nodes;
      const adminOnA = sendAs(a.url, await loginToken(a.url));
      assert.equal((await adminOnA('POST', '/v1/auth/users', { username: 'alice', password: 'alice-password' })).status, 200);
      await eventually('alice logs in on B', () => canLogIn(b, 'alice', 'alice-password'));
      // B's journal says where the user was created: A's address.
      const created = JSON.parse((await sendAs(b.url, await loginToken(b.url))('GET', '/v1/cairn/events', { namespaceId: '', cause: 'USER_CREATED' })).text).events as { evidence: { username: string; from: string } }[];
      assert.deepEqual(
        created.filter((e) => e.evidence.username === 'alice').map((e) => e.evidence.from),
        [a.server.membership.self().address],
      );
      // Raw credentials on every call (as the npm client sends them) are remembered on B once verified.
      const rawOnB = (password: string) => sendForm(b.url, 'GET', '/v1/ns/instance/list', { ...LIST, username: 'alice', password });
      assert.equal((await rawOnB('alice-password')).status, 403, 'verified, but no grant');
      assert.match((await rawOnB('alice-password')).text, /authorization failed/);
      assert.equal((await adminOnA('PUT', '/v1/auth/users', { username: 'alice', newPassword: 'alice-new-password' })).status, 200);
      await eventually('the old password is refused on B', async () => !(await canLogIn(b, 'alice', 'alice-password')) && /user not found/.test((await rawOnB('alice-password')).text));
      await eventually('the new password works on B', () => canLogIn(b, 'alice', 'alice-new-password'));
    });

    test('a grant given on one node is enforced on the other, and so is its removal', async (t) => {
      const nodes = await twoNodes(t, dialect);
      if (!nodes) return;
      const [a, b] = nodes;
      const adminOnA = sendAs(a.url, await loginToken(a.url));
      await aliceInDev(adminOnA, b);
      const aliceOnB = sendAs(b.url, await loginToken(b.url, 'alice', 'alice-password'));
      assert.equal((await aliceOnB('GET', '/v1/ns/instance/list', LIST)).status, 403, 'no grant yet');
      assert.equal((await adminOnA('POST', '/v1/auth/permissions', { role: 'dev', resource: 'dev:*:naming/*', action: 'r' })).status, 200);
      await eventually('the grant lets alice read on B', async () => (await aliceOnB('GET', '/v1/ns/instance/list', LIST)).status === 200);
      await adminOnA('DELETE', '/v1/auth/roles', { role: 'dev', username: 'alice' });
      await eventually('the role taken on A stops alice on B', async () => (await aliceOnB('GET', '/v1/ns/instance/list', LIST)).status === 403);
    });

    test('a user deleted on one node: its token is refused on the other', async (t) => {
      const nodes = await twoNodes(t, dialect);
      if (!nodes) return;
      const [a, b] = nodes;
      const adminOnA = sendAs(a.url, await loginToken(a.url));
      await aliceInDev(adminOnA, b, { resource: 'dev:*:naming/*', action: 'r' });
      const aliceOnB = sendAs(b.url, await loginToken(b.url, 'alice', 'alice-password'));
      await eventually('alice reads on B', async () => (await aliceOnB('GET', '/v1/ns/instance/list', LIST)).status === 200);
      assert.equal((await adminOnA('DELETE', '/v1/auth/users', { username: 'alice' })).status, 200);
      await eventually("alice's token is refused on B", async () => {
        const answer = await aliceOnB('GET', '/v1/ns/instance/list', LIST);
        return answer.status === 403 && /user not found/.test(answer.text);
      });
    });

    test("a key rotated on one node: that node's tokens verify on the other, which signs with the new key too", async (t) => {
      const nodes = await twoNodes(t, dialect);
      if (!nodes) return;
      const [a, b] = nodes;
      const adminOnA = sendAs(a.url, await loginToken(a.url));
      const rotated = JSON.parse((await adminOnA('POST', '/v1/cairn/auth/keys/rotate')).text) as { signing: string };
      const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
      const fromA = await loginToken(a.url);
      assert.equal(kidOf(fromA), rotated.signing);
      await eventually("A's new token is accepted on B", async () => (await sendAs(b.url, fromA)('GET', '/v1/auth/users', { pageNo: '1', pageSize: '10' })).status === 200);
      await eventually('B signs with the new key', async () => kidOf(await loginToken(b.url)) === rotated.signing);
      const fromB = await loginToken(b.url);
      assert.equal((await sendAs(a.url, fromB)('GET', '/v1/auth/users', { pageNo: '1', pageSize: '10' })).status, 200, "B's new token is accepted on A");
    });

    test('a token signed with a key rotated a moment ago on another node is accepted before the change log brings the key', async (t) => {
      const nodes = await twoNodes(t, dialect);
      if (!nodes) return;
      const [a, b] = nodes;
      const adminOnA = sendAs(a.url, await loginToken(a.url));
      // B does not read the change log meanwhile: only the token's unknown key id can make it look.
      await b.server.cluster!.changes.stop();
      assert.equal((await adminOnA('POST', '/v1/cairn/auth/keys/rotate')).status, 200);
      const fromA = await loginToken(a.url);
      const onB = await sendAs(b.url, fromA)('GET', '/v1/auth/users', { pageNo: '1', pageSize: '10' });
      assert.equal(onB.status, 200, onB.text);
      // A made-up key id is still refused, and does not make B read the keys again within the second.
      const [, body, sig] = fromA.split('.');
      const forged = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'no-such-key' })).toString('base64url')}.${body}.${sig}`;
      const refused = await sendAs(b.url, forged)('GET', '/v1/auth/users', { pageNo: '1', pageSize: '10' });
      assert.equal(refused.status, 403);
      assert.match(refused.text, /no signing key of this server has its key id/);
    });
  });
}
