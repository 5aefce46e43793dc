import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { md5Hex } from '@cairn/core';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { ACROSS_NODES_MS, eventually } from '../testing/eventually.js';
import { SHARED_DIALECTS, throwAwayDatabase, type SharedDialect } from '../testing/throwaway-database.js';

/** What issue 13 promises: a change answered on one node is visible on every node, and reaches its listeners, within 1 s. */
const WITHIN_MS = ACROSS_NODES_MS;
const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf8' };

async function nodes(t: TestContext, dialect: SharedDialect, count: number): Promise<TestServer[] | undefined> {
  const db = await throwAwayDatabase(t, dialect);
  if (!db) return undefined;
  const started: TestServer[] = [];
  // One at a time: the first migrates the new database.
  for (let i = 0; i < count; i++) started.push(await startNode(t, db.url));
  return started;
}

async function startNode(t: TestContext, url: string): Promise<TestServer> {
  const node = await startTestServer({ db: url, cluster: true });
  t.after(() => node.close());
  return node;
}

async function publish(node: TestServer, dataId: string, content: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(`${node.url}/v1/cs/configs`, { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams({ dataId, group: 'G', content }).toString() });
  assert.equal(await res.text(), 'true', `publish of ${dataId} answered`);
}

async function remove(node: TestServer, dataId: string, query = ''): Promise<void> {
  const res = await fetch(`${node.url}/v1/cs/configs?dataId=${dataId}&group=G${query}`, { method: 'DELETE' });
  assert.equal(res.status, 200);
}

/** The content a node serves for a key, or undefined when it answers 404. */
async function read(node: TestServer, dataId: string): Promise<string | undefined> {
  const res = await fetch(`${node.url}/v1/cs/configs?dataId=${dataId}&group=G`);
  const text = await res.text();
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200, text);
  return text;
}

async function betaOf(node: TestServer, dataId: string): Promise<string | undefined> {
  const res = await fetch(`${node.url}/v1/cs/configs?dataId=${dataId}&group=G&beta=true`);
  const body = (await res.json()) as { data: { content: string } | null };
  return body.data?.content;
}

interface HistoryItem {
  id: string;
  dataId: string;
  content: string;
}

async function historyOf(node: TestServer, dataId: string): Promise<HistoryItem[]> {
  const res = await fetch(`${node.url}/v1/cs/history?search=accurate&dataId=${dataId}&group=G&pageSize=100`);
  return ((await res.json()) as { pageItems: HistoryItem[] }).pageItems;
}

for (const { dialect, name } of SHARED_DIALECTS) {
  describe(`configs across nodes on ${name}`, () => {
    test('a publish on A is served by B and C within 1 s, and so is its delete', async (t) => {
      const started = await nodes(t, dialect, 3);
      if (!started) return;
      const [a, b, c] = started;
      await publish(a, 'app.yaml', 'v: 1');
      for (const other of [b, c]) await eventually('the publish on the other node', async () => (await read(other, 'app.yaml')) === 'v: 1');
      await publish(a, 'app.yaml', 'v: 2');
      for (const other of [b, c]) await eventually('the second publish on the other node', async () => (await read(other, 'app.yaml')) === 'v: 2');
      await remove(a, 'app.yaml');
      for (const other of [b, c]) await eventually('the delete on the other node', async () => (await read(other, 'app.yaml')) === undefined);
    });

    test('a v1 long poll held on B returns the key when A publishes it, within 1 s', async (t) => {
      const db = await throwAwayDatabase(t, dialect);
      if (!db) return;
      const a = await startNode(t, db.url);
      await publish(a, 'watched', 'old');
      const b = await startNode(t, db.url);
      const stop = new AbortController();
      t.after(() => stop.abort());
      const held = fetch(`${b.url}/v1/cs/configs/listener`, {
        method: 'POST',
        headers: { ...FORM, 'Long-Pulling-Timeout': '30000' },
        body: new URLSearchParams({ 'Listening-Configs': `watched\u0002G\u0002${md5Hex('old')}\u0001` }).toString(),
        signal: stop.signal,
      }).then((res) => res.text());
      await eventually('the poll held on B', async () => b.server.ctx.longPolls.size === 1);
      await publish(a, 'watched', 'new');
      const publishedAt = Date.now();
      // The poll would otherwise be held for 30 s: give up on it once the promise is broken.
      const answer = await Promise.race([held, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2 * WITHIN_MS))]);
      const waited = Date.now() - publishedAt;
      assert.equal(answer, `${encodeURIComponent('watched\u0002G\u0001')}\n`, `the poll's answer after ${waited} ms`);
      assert.ok(waited <= WITHIN_MS, `answered ${waited} ms after the publish`);
      assert.equal(await read(b, 'watched'), 'new');
    });

    test('a beta version published and stopped on A is served and then gone on B within 1 s', async (t) => {
      const started = await nodes(t, dialect, 2);
      if (!started) return;
      const [a, b] = started;
      await publish(a, 'gray.yaml', 'main');
      await publish(a, 'gray.yaml', 'beta', { betaIps: '10.9.9.9' });
      await eventually('the beta version on B', async () => (await betaOf(b, 'gray.yaml')) === 'beta');
      assert.equal(await read(b, 'gray.yaml'), 'main', 'a client outside betaIps still gets the main version');
      await remove(a, 'gray.yaml', '&beta=true');
      await eventually('the stop on B', async () => (await betaOf(b, 'gray.yaml')) === undefined);
      assert.equal(await read(b, 'gray.yaml'), 'main');
    });

    test('publishes on A and B interleaved: history ids are unique, in order per key, and every record is readable on both', async (t) => {
      const started = await nodes(t, dialect, 2);
      if (!started) return;
      const [a, b] = started;
      // Without waiting: each node numbers its own records at the same time as the other.
      await Promise.all([0, 1, 2, 3, 4, 5].map((i) => publish(i % 2 === 0 ? a : b, `key-${i}`, `v${i}`)));
      // One key changed on A, then on B once B serves A's version, and so on: its records keep that order.
      const steps = ['s1', 's2', 's3', 's4'];
      for (const [i, content] of steps.entries()) {
        const [writer, other] = i % 2 === 0 ? [a, b] : [b, a];
        await publish(writer, 'shared', content);
        await eventually(`'${content}' on the other node`, async () => (await read(other, 'shared')) === content);
      }
      const records = [...(await historyOf(a, 'shared')), ...(await Promise.all([0, 1, 2, 3, 4, 5].map((i) => historyOf(a, `key-${i}`)))).flat()];
      assert.equal(records.length, 10);
      assert.equal(new Set(records.map((r) => r.id)).size, 10, `ids ${records.map((r) => r.id).join(', ')}`);
      assert.deepEqual(
        (await historyOf(b, 'shared')).map((r) => r.content),
        [...steps].reverse(),
        'newest first, by id',
      );
      for (const record of records) {
        for (const node of [a, b]) {
          const res = await fetch(`${node.url}/v1/cs/history?nid=${record.id}&dataId=${record.dataId}&group=G`);
          assert.equal(res.status, 200, `record ${record.id} on ${node.url}`);
          assert.equal(((await res.json()) as HistoryItem).content, record.content);
        }
      }
    });

    test('a node started after changes loads them, and applies the ones made after it started', async (t) => {
      const db = await throwAwayDatabase(t, dialect);
      if (!db) return;
      const a = await startNode(t, db.url);
      await publish(a, 'before', 'made before C started');
      await publish(a, 'gray.yaml', 'beta', { betaIps: '10.9.9.9' });
      const c = await startNode(t, db.url);
      assert.equal(await read(c, 'before'), 'made before C started');
      assert.equal(await betaOf(c, 'gray.yaml'), 'beta');
      await publish(a, 'after', 'made after C started');
      await remove(a, 'before');
      await eventually('the later publish on C', async () => (await read(c, 'after')) === 'made after C started');
      await eventually('the later delete on C', async () => (await read(c, 'before')) === undefined);
    });
  });
}
