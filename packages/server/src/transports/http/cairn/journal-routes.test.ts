import { CAUSES } from '@cairn/core';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, startTestServer, type TestServer } from '../../../testing/test-server.js';

async function register(ts: TestServer, fields: Record<string, string>): Promise<void> {
  const res = await call(ts.url, 'POST', '/v1/ns/instance', fields);
  assert.equal(res.status, 200, res.text);
}

async function events(ts: TestServer, query: string): Promise<{ total: number; pageNo: number; pageSize: number; events: any[] }> {
  const res = await call(ts.url, 'GET', `/v1/cairn/events?${query}`);
  assert.equal(res.status, 200, res.text);
  return res.json();
}

/** A 400 in the v2 error form whose detail names the field. */
async function rejects(ts: TestServer, path: string, field: string): Promise<void> {
  const res = await call(ts.url, 'GET', path);
  assert.equal(res.status, 400, `${path}: ${res.text}`);
  const body = res.json();
  assert.ok(body.code === 20002 || body.code === 10000, res.text);
  assert.match(body.data, new RegExp(`'${field}'`), res.text);
}

describe('GET /v1/cairn/events', () => {
  let ts: TestServer;
  let t0: number;

  before(async () => {
    ts = await startTestServer({}, { fakeTime: true });
    t0 = ts.time!.now();
    await register(ts, { serviceName: 'orders', ip: '10.0.0.1', port: '8001' });
    ts.time!.advance(1_000);
    await register(ts, { serviceName: 'billing', groupName: 'PAY', ip: '10.0.0.2', port: '8002' });
    ts.time!.advance(1_000);
    const del = await call(ts.url, 'DELETE', '/v1/ns/instance?serviceName=orders&ip=10.0.0.1&port=8001');
    assert.equal(del.status, 200, del.text);
    ts.time!.advance(1_000);
    await register(ts, { namespaceId: 'dev', serviceName: 'orders', ip: '10.0.0.3', port: '8003' });
  });
  after(() => ts.close());

  test('lists the namespace public by default, newest first, with an ISO time and the cause text', async () => {
    const page = await events(ts, '');
    assert.deepEqual(
      page.events.map((e) => `${e.cause} ${e.service}`),
      ['INSTANCE_DEREGISTERED orders', 'INSTANCE_REGISTERED billing', 'INSTANCE_REGISTERED orders'],
    );
    assert.equal(page.total, 3);
    assert.equal(page.pageNo, 1);
    assert.equal(page.pageSize, 100);
    for (const e of page.events) {
      assert.equal(e.namespace, 'public');
      assert.equal(e.time, new Date(e.at).toISOString());
      assert.equal(e.description, CAUSES[e.cause as keyof typeof CAUSES]);
    }
    assert.equal(page.events[2].at, t0);
    assert.ok(page.events[0].seq > page.events[1].seq && page.events[1].seq > page.events[2].seq);
    assert.equal(page.events[0].evidence.via, 'DELETE /nacos/v1/ns/instance');
  });

  test('filters by namespace, group, service (also group@@name), address and cause', async () => {
    assert.deepEqual(
      (await events(ts, 'namespaceId=dev')).events.map((e) => e.ip),
      ['10.0.0.3'],
    );
    assert.deepEqual(
      (await events(ts, 'serviceName=orders')).events.map((e) => e.cause),
      ['INSTANCE_DEREGISTERED', 'INSTANCE_REGISTERED'],
    );
    assert.deepEqual(
      (await events(ts, 'serviceName=PAY%40%40billing')).events.map((e) => e.ip),
      ['10.0.0.2'],
    );
    assert.deepEqual(
      (await events(ts, 'serviceName=billing&groupName=PAY')).events.map((e) => e.ip),
      ['10.0.0.2'],
    );
    assert.equal((await events(ts, 'serviceName=billing&groupName=DEFAULT_GROUP')).total, 0);
    assert.deepEqual(
      (await events(ts, 'groupName=PAY')).events.map((e) => e.service),
      ['billing'],
    );
    assert.equal((await events(ts, 'ip=10.0.0.1&port=8001')).total, 2);
    assert.equal((await events(ts, 'ip=10.0.0.1&port=8002')).total, 0);
    const deregistered = await events(ts, 'cause=INSTANCE_DEREGISTERED');
    assert.equal(deregistered.total, 1);
    assert.equal(deregistered.events[0].ip, '10.0.0.1');
  });

  test('filters by time, given as epoch ms or ISO-8601', async () => {
    const since = new Date(t0 + 1_000).toISOString();
    assert.deepEqual(
      (await events(ts, `since=${since}`)).events.map((e) => e.cause),
      ['INSTANCE_DEREGISTERED', 'INSTANCE_REGISTERED'],
    );
    assert.deepEqual(
      (await events(ts, `until=${t0 + 999}`)).events.map((e) => e.service),
      ['orders'],
    );
    assert.equal((await events(ts, `since=${t0 + 1_000}&until=${encodeURIComponent(since)}`)).total, 1);
    // A zone offset, and the same instant written with a `+` that the query string turned into a space.
    const plusTwo = new Date(t0 + 2_000 + 2 * 3_600_000).toISOString().slice(0, 23);
    assert.equal((await events(ts, `since=${plusTwo}%2B02:00`)).total, 1);
    assert.equal((await events(ts, `since=${plusTwo}+02:00`)).total, 1);
  });

  test('pages with pageNo and pageSize', async () => {
    const second = await events(ts, 'pageNo=2&pageSize=1');
    assert.equal(second.total, 3);
    assert.equal(second.pageNo, 2);
    assert.equal(second.pageSize, 1);
    assert.deepEqual(
      second.events.map((e) => e.service),
      ['billing'],
    );
    assert.deepEqual((await events(ts, 'pageNo=4&pageSize=1')).events, []);
    assert.equal((await events(ts, 'pageSize=1000')).events.length, 3);
  });

  test('answers 400 naming the field for a bad filter or page', async () => {
    await rejects(ts, '/v1/cairn/events?cause=GONE', 'cause');
    await rejects(ts, '/v1/cairn/events?since=yesterday', 'since');
    await rejects(ts, '/v1/cairn/events?until=2024-13-45T99:00:00Z', 'until');
    await rejects(ts, `/v1/cairn/events?since=${t0}&until=${t0 - 1}`, 'until');
    await rejects(ts, '/v1/cairn/events?pageSize=1001', 'pageSize');
    await rejects(ts, '/v1/cairn/events?pageSize=0', 'pageSize');
    await rejects(ts, '/v1/cairn/events?pageNo=0', 'pageNo');
    await rejects(ts, '/v1/cairn/events?port=http', 'port');
    await rejects(ts, '/v1/cairn/events?namespaceId=a%20b', 'namespaceId');
    const res = await call(ts.url, 'GET', '/v1/cairn/events?cause=GONE');
    assert.equal(res.json().message, 'parameter validate error');
    assert.match(res.json().data, /BEAT_MISSED/);
  });
});

describe('GET /v1/cairn/diagnosis', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({}, { fakeTime: true });
  });
  after(() => ts.close());

  test('a username parameter is recorded as claimed, and the diagnosis says it is not verified', async () => {
    await register(ts, { serviceName: 'claims', ip: '10.3.0.1', port: '80', username: 'alice' });
    const del = await call(ts.url, 'DELETE', '/v1/ns/instance?serviceName=claims&ip=10.3.0.1&port=80&username=mallory');
    assert.equal(del.status, 200, del.text);
    const listed = await events(ts, 'service=claims');
    assert.deepEqual(
      listed.events.map((e) => [e.cause, e.evidence.claimedUser, 'user' in e.evidence]),
      [
        ['INSTANCE_DEREGISTERED', 'mallory', false],
        ['INSTANCE_REGISTERED', 'alice', false],
      ],
    );
    const d = (await call(ts.url, 'GET', '/v1/cairn/diagnosis?serviceName=claims&ip=10.3.0.1&port=80')).json();
    assert.match(d.explanation, /claiming to be user mallory; not verified/);
  });

  test('explains an instance that expired without a heartbeat', async () => {
    await register(ts, { serviceName: 'orders', ip: '10.0.0.7', port: '8080' });
    const registeredAt = ts.time!.now();
    ts.time!.advance(31_000);
    const res = await call(ts.url, 'GET', '/v1/cairn/diagnosis?serviceName=orders&ip=10.0.0.7&port=8080');
    assert.equal(res.status, 200, res.text);
    const d = res.json();
    assert.equal(d.state, 'absent');
    assert.equal(d.service, 'orders');
    assert.equal(d.group, 'DEFAULT_GROUP');
    assert.equal(d.namespace, 'public');
    assert.match(d.explanation, /without a heartbeat/);
    assert.match(d.explanation, /^Removed at \d\d:\d\d:\d\d after 30 s/);
    assert.equal(d.lastTransition.cause, 'INSTANCE_EXPIRED');
    assert.equal(d.lastTransition.at, registeredAt + 30_000);
    assert.equal(d.lastTransition.time, new Date(registeredAt + 30_000).toISOString());
    assert.equal(d.lastTransition.description, CAUSES.INSTANCE_EXPIRED);
    assert.deepEqual(
      d.events.map((e: any) => e.cause),
      ['INSTANCE_EXPIRED', 'BEAT_MISSED', 'INSTANCE_REGISTERED'],
    );
    assert.equal(d.checkedTime, new Date(ts.time!.now()).toISOString());
    assert.equal(d.instance, null);
  });

  test('describes a live instance with its beats and ISO times', async () => {
    await register(ts, { serviceName: 'DEFAULT_GROUP@@live', ip: '10.0.0.8', port: '8080' });
    ts.time!.advance(5_000);
    const beat = await call(ts.url, 'PUT', '/v1/ns/instance/beat?serviceName=live&ip=10.0.0.8&port=8080');
    assert.equal(beat.status, 200, beat.text);
    const d = (await call(ts.url, 'GET', '/v1/cairn/diagnosis?serviceName=live&groupName=DEFAULT_GROUP&ip=10.0.0.8&port=8080')).json();
    assert.equal(d.state, 'healthy');
    assert.match(d.explanation, /^Healthy: last beat 0 s ago/);
    assert.equal(d.lastOutage, null);
    assert.equal(d.outagesLastHour, 0);
    assert.equal(d.beats.count, 1);
    assert.equal(d.instance.lastBeatTime, new Date(ts.time!.now()).toISOString());
    assert.equal(d.instance.registeredTime, new Date(ts.time!.now() - 5_000).toISOString());
  });

  test('leads with the last outage of an instance that is back, with its times in lastOutage', async () => {
    const short = JSON.stringify({ 'preserved.heart.beat.interval': '1000', 'preserved.heart.beat.timeout': '3000', 'preserved.ip.delete.timeout': '6000' });
    await register(ts, { serviceName: 'back', ip: '10.0.0.5', port: '8080', metadata: short });
    ts.time!.advance(1_000);
    const beat = await call(ts.url, 'PUT', '/v1/ns/instance/beat?serviceName=back&ip=10.0.0.5&port=8080');
    assert.equal(beat.status, 200, beat.text);
    const lastBeat = ts.time!.now();
    ts.time!.advance(7_000); // unhealthy 3 s after the beat, removed 6 s after it
    await register(ts, { serviceName: 'back', ip: '10.0.0.5', port: '8080', metadata: short });
    const d = (await call(ts.url, 'GET', '/v1/cairn/diagnosis?serviceName=back&ip=10.0.0.5&port=8080')).json();
    assert.equal(d.state, 'healthy');
    const clock = (at: number) => new Date(at).toISOString().slice(11, 19);
    assert.ok(
      d.explanation.startsWith(
        `Healthy again since ${clock(lastBeat + 7_000)}; it was removed at ${clock(lastBeat + 6_000)} after 6 s without a heartbeat` + ' (its beats stopped for 7.0 s; the last came from 127.0.0.1) and its client registered it again.',
      ),
      d.explanation,
    );
    assert.deepEqual(d.lastOutage, {
      startedAt: lastBeat + 3_000,
      endedAt: lastBeat + 7_000,
      durationMs: 4_000,
      cause: 'BEAT_MISSED',
      removedAt: lastBeat + 6_000,
      removedBy: 'INSTANCE_EXPIRED',
      endedBy: 'INSTANCE_REGISTERED',
      startedTime: new Date(lastBeat + 3_000).toISOString(),
      endedTime: new Date(lastBeat + 7_000).toISOString(),
      removedTime: new Date(lastBeat + 6_000).toISOString(),
    });
    assert.equal(d.outagesLastHour, 1);
  });

  test('points at the service the address did register in', async () => {
    await register(ts, { serviceName: 'payments', groupName: 'PAY', ip: '10.0.0.9', port: '9000' });
    const d = (await call(ts.url, 'GET', '/v1/cairn/diagnosis?serviceName=payments&ip=10.0.0.9&port=9000')).json();
    assert.equal(d.state, 'unknown');
    assert.deepEqual(
      d.seenElsewhere.map((s: any) => `${s.group}/${s.service}`),
      ['PAY/payments'],
    );
    assert.equal(d.seenElsewhere[0].time, new Date(d.seenElsewhere[0].at).toISOString());
    assert.match(d.explanation, /group 'PAY'/);
  });

  test('answers 400 naming the missing or malformed field', async () => {
    await rejects(ts, '/v1/cairn/diagnosis?ip=10.0.0.7&port=8080', 'serviceName');
    await rejects(ts, '/v1/cairn/diagnosis?serviceName=orders&port=8080', 'ip');
    await rejects(ts, '/v1/cairn/diagnosis?serviceName=orders&ip=10.0.0.7', 'port');
    await rejects(ts, '/v1/cairn/diagnosis?serviceName=orders&ip=10.0.0.7&port=70000', 'port');
    await rejects(ts, '/v1/cairn/diagnosis?serviceName=orders&ip=not%20an%20ip&port=80', 'ip');
    await rejects(ts, '/v1/cairn/diagnosis?serviceName=orders&groupName=a%2Fb&ip=10.0.0.7&port=80', 'groupName');
  });
});
