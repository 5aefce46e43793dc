import { md5Hex } from '@cairn/core';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';

async function events(ts: TestServer, query: string): Promise<{ total: number; events: any[] }> {
  const res = await call(ts.url, 'GET', `/v1/cairn/events?${query}`);
  assert.equal(res.status, 200, res.text);
  return res.json();
}

describe('GET /v1/cairn/events with config events', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({}, { fakeTime: true });
    const reg = await call(ts.url, 'POST', '/v1/ns/instance', { serviceName: 'orders', ip: '10.0.0.1', port: '8001' });
    assert.equal(reg.status, 200, reg.text);
    ts.time!.advance(1_000);
    for (const [dataId, group, tenant, content] of [
      ['app.yaml', 'G', '', 'a: 1'],
      ['app.yaml', 'G', 'dev', 'a: dev'],
      ['app.yaml', 'OTHER', '', 'a: other'],
      ['app.yaml', 'G', 'public', 'a: 2'],
    ]) {
      const res = await call(ts.url, 'POST', '/v1/cs/configs', { dataId: dataId!, group: group!, tenant: tenant!, content: content!, type: 'yaml', src_user: 'alice' });
      assert.equal(res.text, 'true');
      ts.time!.advance(1_000);
    }
    const del = await call(ts.url, 'DELETE', '/v1/cs/configs?dataId=app.yaml&group=G&tenant=');
    assert.equal(del.text, 'true');
  });
  after(() => ts.close());

  test('a publish and a delete appear with their key, md5, type and author', async () => {
    const page = await events(ts, 'dataId=app.yaml&group=G&tenant=');
    assert.deepEqual(
      page.events.map((e) => [e.cause, e.namespace, e.group, e.dataId, e.evidence.op]),
      [
        ['CONFIG_REMOVED', 'public', 'G', 'app.yaml', 'D'],
        ['CONFIG_PUBLISHED', 'public', 'G', 'app.yaml', 'U'],
        ['CONFIG_PUBLISHED', 'public', 'G', 'app.yaml', 'I'],
      ],
    );
    const [removed, updated] = page.events;
    assert.equal(removed.evidence.md5, '');
    assert.equal(updated.evidence.md5, md5Hex('a: 2'));
    assert.equal(updated.evidence.type, 'yaml');
    assert.equal(updated.evidence.from, '127.0.0.1');
    assert.equal(updated.evidence.claimedUser, 'alice');
    assert.equal(typeof updated.evidence.agent, 'string');
    assert.equal(removed.description, 'a config was deleted by request');
  });

  test('tenant blank or public is the default namespace; other tenants and groups are kept apart', async () => {
    assert.equal((await events(ts, 'dataId=app.yaml&group=G&tenant=public')).total, 3);
    assert.equal((await events(ts, 'dataId=app.yaml&group=G')).total, 3, 'no tenant: the default namespace');
    assert.deepEqual(
      (await events(ts, 'dataId=app.yaml&tenant=dev')).events.map((e) => [e.namespace, e.group, e.evidence.op]),
      [['dev', 'G', 'I']],
    );
    assert.equal((await events(ts, 'dataId=app.yaml')).total, 4, 'no group: every group of the namespace');
    assert.equal((await events(ts, 'dataId=nothing')).total, 0);
    const bad = await call(ts.url, 'GET', '/v1/cairn/events?dataId=a%20b');
    assert.equal(bad.status, 400, bad.text);
  });

  test('naming events are unchanged and the naming filters leave config events out', async () => {
    const page = await events(ts, 'serviceName=orders');
    assert.deepEqual(
      page.events.map((e) => e.cause),
      ['INSTANCE_REGISTERED'],
    );
    assert.equal('dataId' in page.events[0], false);
    assert.equal(page.events[0].ip, '10.0.0.1');
    assert.equal((await events(ts, 'cause=CONFIG_PUBLISHED')).total, 3);
  });
});

describe('config long-poll listeners in the journal', () => {
  let ts: TestServer;
  const line = (dataId: string, md5: string) => `${dataId}\u0002G\u0002${md5}\u0001`;
  const poll = (listening: string) =>
    fetch(`${ts.url}/v1/cs/configs/listener`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'Long-Pulling-Timeout': '30000', 'user-agent': 'poller/1' },
      body: new URLSearchParams({ 'Listening-Configs': listening }).toString(),
    }).then((r) => r.text());
  const publish = async (content: string) => {
    const res = await call(ts.url, 'POST', '/v1/cs/configs', { dataId: 'lp', group: 'G', content });
    assert.equal(res.text, 'true');
  };
  const waitHeld = async (n: number) => {
    while (ts.server.ctx.longPolls.size < n) await new Promise((r) => setTimeout(r, 5));
  };
  before(async () => {
    ts = await startTestServer({}, { fakeTime: true });
  });
  after(() => ts.close());

  test('a stale md5, then held polls, then a publish leave the events that tell it; re-polls add no held event', async () => {
    await publish('v1');
    const v1 = md5Hex('v1');
    ts.time!.advance(1_000);
    assert.equal(await poll(line('lp', 'stale')), `${encodeURIComponent('lp\u0002G\u0001')}\n`);
    // Held with the current md5, then held again (as a client re-polling after a timeout): one held event.
    const first = poll(line('lp', v1));
    await waitHeld(1);
    const second = poll(line('lp', v1));
    await waitHeld(2);
    ts.time!.advance(5_000);
    await publish('v2');
    assert.equal(await first, `${encodeURIComponent('lp\u0002G\u0001')}\n`);
    assert.equal(await second, `${encodeURIComponent('lp\u0002G\u0001')}\n`);
    const page = await events(ts, 'dataId=lp&group=G');
    assert.deepEqual(
      page.events.map((e) => [e.cause, e.evidence.clientMd5 ?? e.evidence.md5, e.evidence.heldMs]),
      [
        ['CONFIG_LISTENER_NOTIFIED', v1, 5_000],
        ['CONFIG_LISTENER_NOTIFIED', v1, 5_000],
        ['CONFIG_PUBLISHED', md5Hex('v2'), undefined],
        ['CONFIG_LISTENER_HELD', v1, undefined],
        ['CONFIG_LISTENER_NOTIFIED', 'stale', 0],
        ['CONFIG_PUBLISHED', v1, undefined],
      ],
    );
    const [notified] = page.events;
    assert.deepEqual(notified.evidence, { from: '127.0.0.1', agent: 'poller/1', via: 'POST /nacos/v1/cs/configs/listener', clientMd5: v1, md5: md5Hex('v2'), heldMs: 5_000 });
    assert.deepEqual(page.events[3].evidence, { from: '127.0.0.1', agent: 'poller/1', via: 'POST /nacos/v1/cs/configs/listener', md5: v1, keys: 1, current: true });
    // After the change, holding the new md5 is a new state: one more held event.
    const third = poll(line('lp', md5Hex('v2')));
    await waitHeld(1);
    const fourth = poll(line('lp', md5Hex('v2')));
    await waitHeld(2);
    assert.equal((await events(ts, 'dataId=lp&cause=CONFIG_LISTENER_HELD')).total, 2);
    const metrics = await call(ts.url, 'GET', '/actuator/prometheus');
    assert.match(metrics.text, /cairn_journal_events_total\{cause="CONFIG_LISTENER_HELD"\} 2\n/);
    assert.match(metrics.text, /cairn_journal_events_total\{cause="CONFIG_LISTENER_NOTIFIED"\} 3\n/);
    assert.match(metrics.text, /cairn_journal_events_total\{cause="CONFIG_PUBLISHED"\} 2\n/);
    await publish('v3');
    await Promise.all([third, fourth]);
  });
});
