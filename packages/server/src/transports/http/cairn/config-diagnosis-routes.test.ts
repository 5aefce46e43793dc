import { clockTime, md5Hex } from '@cairn/core';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';

/** A config client as a Nacos 1.x client behaves: it fetches with GET and long-polls with its md5, under its agent. */
function clientOf(ts: TestServer, agent: string) {
  const headers = { 'user-agent': agent };
  return {
    async fetch(dataId: string, version: 'v1' | 'v2' = 'v1') {
      const path = version === 'v1' ? `/v1/cs/configs?dataId=${dataId}&group=G` : `/v2/cs/config?dataId=${dataId}&group=G`;
      const res = await fetch(`${ts.url}${path}`, { headers });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      return res.headers.get('content-md5')!;
    },
    poll(dataId: string, md5: string): Promise<string> {
      return fetch(`${ts.url}/v1/cs/configs/listener`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', 'Long-Pulling-Timeout': '30000' },
        body: new URLSearchParams({ 'Listening-Configs': `${dataId}\u0002G\u0002${md5}\u0001` }).toString(),
      }).then((r) => r.text());
    },
  };
}

async function publish(ts: TestServer, dataId: string, content: string): Promise<string> {
  const res = await call(ts.url, 'POST', '/v1/cs/configs', { dataId, group: 'G', content });
  assert.equal(res.text, 'true');
  return md5Hex(content);
}

async function diagnosis(ts: TestServer, query: string): Promise<any> {
  const res = await call(ts.url, 'GET', `/v1/cairn/config/diagnosis?${query}`);
  assert.equal(res.status, 200, res.text);
  return res.json();
}

async function json(ts: TestServer, path: string): Promise<any> {
  const res = await call(ts.url, 'GET', path);
  assert.equal(res.status, 200, res.text);
  return res.json();
}

describe('GET /v1/cairn/config/diagnosis and the listener queries, on a real server', () => {
  let ts: TestServer;
  const waitHeld = async (n: number) => {
    while (ts.server.ctx.longPolls.size < n) await new Promise((r) => setTimeout(r, 5));
  };
  before(async () => {
    ts = await startTestServer({ configMinHoldMs: 100 }, { fakeTime: true });
  });
  after(() => ts.close());

  test('a client held, notified by a publish, that fetched: the diagnosis says it holds the current md5', async () => {
    const app = clientOf(ts, 'app/1');
    const v1 = await publish(ts, 'orders.yaml', 'a: 1');
    assert.equal(await app.fetch('orders.yaml'), v1);
    const held = app.poll('orders.yaml', v1);
    await waitHeld(1);
    let d = await diagnosis(ts, 'dataId=orders.yaml&group=G&tenant=');
    assert.equal(d.sentence, '1 client listens; it holds the current md5');
    assert.deepEqual([d.dataId, d.group, d.tenant, d.askedFrom, d.config.exists, d.config.md5], ['orders.yaml', 'G', '', '127.0.0.1', true, v1]);
    assert.deepEqual([d.clients[0].ip, d.clients[0].agent, d.clients[0].heldNow, d.clients[0].listening], ['127.0.0.1', 'app/1', true, true]);
    assert.deepEqual(await json(ts, '/v1/cs/configs/listener?dataId=orders.yaml&group=G'), { collectStatus: 200, lisentersGroupkeyStatus: { '127.0.0.1': v1 } });
    assert.deepEqual(await json(ts, '/v1/cs/listener?ip=127.0.0.1'), { collectStatus: 200, lisentersGroupkeyStatus: { 'orders.yaml+G': v1 } });

    ts.time!.advance(2_000);
    const v2 = await publish(ts, 'orders.yaml', 'a: 2');
    assert.equal(await held, `${encodeURIComponent('orders.yaml\u0002G\u0001')}\n`);
    const notifiedAt = ts.time!.now();
    ts.time!.advance(50);
    assert.equal(await app.fetch('orders.yaml', 'v2'), v2);
    const again = app.poll('orders.yaml', v2);
    await waitHeld(1);
    d = await diagnosis(ts, 'dataId=orders.yaml&group=G');
    assert.equal(d.sentence, '1 client listens; it holds the current md5');
    const [c] = d.clients;
    assert.deepEqual([c.md5, c.expectedMd5, c.current, c.notifiedAt, c.notifiedMd5, c.fetchedAt, c.fetchedMd5, c.source], [v2, v2, true, notifiedAt, v2, notifiedAt + 50, v2, 'live']);
    assert.equal(c.sentence, `127.0.0.1 holds the current md5 ${v2}; its long poll is held now`);
    assert.deepEqual((await json(ts, '/v1/cs/configs/listener?dataId=orders.yaml&group=G')).lisentersGroupkeyStatus, { '127.0.0.1': v2 });

    // The journal tells the same story, with the route of each step; a fetch of an md5 already fetched adds nothing.
    await app.fetch('orders.yaml');
    const events = (await json(ts, '/v1/cairn/events?dataId=orders.yaml&group=G')).events.reverse();
    assert.deepEqual(
      events.map((e: any) => [e.cause, e.evidence.via ?? null]),
      [
        ['CONFIG_PUBLISHED', null],
        ['CONFIG_FETCHED', 'GET /nacos/v1/cs/configs'],
        ['CONFIG_LISTENER_HELD', 'POST /nacos/v1/cs/configs/listener'],
        ['CONFIG_PUBLISHED', null],
        ['CONFIG_LISTENER_NOTIFIED', 'POST /nacos/v1/cs/configs/listener'],
        ['CONFIG_FETCHED', 'GET /nacos/v2/cs/config'],
        ['CONFIG_LISTENER_HELD', 'POST /nacos/v1/cs/configs/listener'],
      ],
    );
    await publish(ts, 'orders.yaml', 'a: 3');
    await again;
  });

  test('a client notified that never fetches and stops polling: the diagnosis names when and why', async () => {
    const app = clientOf(ts, 'app/2');
    const v1 = await publish(ts, 'ledger.yaml', 'b: 1');
    const publishedAt = ts.time!.now();
    const held = app.poll('ledger.yaml', v1);
    await waitHeld(1);
    ts.time!.advance(61_000);
    const v2 = await publish(ts, 'ledger.yaml', 'b: 2');
    await held; // answered; the client now stops: no fetch, no next poll
    const notifiedAt = ts.time!.now();
    ts.time!.advance(95_000);
    const d = await diagnosis(ts, 'dataId=ledger.yaml&group=G');
    const [c] = d.clients;
    assert.equal(
      c.sentence,
      `127.0.0.1 still holds the version published at ${clockTime(publishedAt)} (md5 ${v1}): notified at ${clockTime(notifiedAt)}, never fetched; its long poll has not come back for 95 s: the client stopped or lost its network`,
    );
    assert.deepEqual([c.current, c.listening, c.heldNow, c.expectedMd5, c.fetchedAt], [false, false, false, v2, undefined]);
    assert.equal(d.sentence, `no client listens now (1 stopped); none holds the current md5. ${c.sentence}`);
    assert.deepEqual((await json(ts, '/v1/cs/configs/listener?dataId=ledger.yaml&group=G')).lisentersGroupkeyStatus, {}, 'it no longer listens');
  });

  test('a config that does not exist, and nobody listening, are answers; bad input is a 400 naming the field', async () => {
    assert.equal((await diagnosis(ts, 'dataId=nothing.yaml&group=G')).sentence, 'config does not exist: clients listening get md5 ""; no client listens to it');
    assert.equal((await call(ts.url, 'POST', '/v1/cs/configs', { dataId: 'quiet.yaml', group: 'DEFAULT_GROUP', content: 'q' })).text, 'true');
    const quiet = await diagnosis(ts, 'dataId=quiet.yaml');
    assert.deepEqual([quiet.group, quiet.sentence, quiet.clients], ['DEFAULT_GROUP', 'no client listens to this dataId', []]);
    for (const [query, field] of [
      ['group=G', 'dataId'],
      ['dataId=a%20b&group=G', 'dataId'],
      ['dataId=a&group=G&tenant=b%20c', 'tenant'],
    ]) {
      const res = await call(ts.url, 'GET', `/v1/cairn/config/diagnosis?${query}`);
      assert.equal(res.status, 400, res.text);
      assert.match(res.json().data, new RegExp(field));
    }
    assert.equal((await call(ts.url, 'GET', '/v1/cs/listener')).status, 400, 'ip is required');
    assert.equal((await call(ts.url, 'GET', '/v1/cs/listener?ip=not%20an%20ip')).status, 400);
    assert.equal((await call(ts.url, 'GET', '/v1/cs/configs/listener?dataId=a')).status, 400, 'group is required');
    assert.deepEqual(await json(ts, '/v1/cs/configs/listener?dataId=a&group='), { collectStatus: 200, lisentersGroupkeyStatus: {} }, 'a blank group is DEFAULT_GROUP');
  });

  test('the listener events are counted in cairn_journal_events_total', async () => {
    const metrics = await call(ts.url, 'GET', '/actuator/prometheus');
    assert.match(metrics.text, /cairn_journal_events_total\{cause="CONFIG_FETCHED"\} [1-9]/);
    assert.match(metrics.text, /cairn_journal_events_total\{cause="CONFIG_LISTENER_NOTIFIED"\} [1-9]/);
  });
});
