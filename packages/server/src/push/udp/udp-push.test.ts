import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

interface Packet {
  raw: Buffer;
  gzipped: boolean;
  body: { type: string; data: string; lastRefTime: number };
  from: dgram.RemoteInfo;
}

/** A v1 push subscriber: a UDP socket on 127.0.0.1 that records every packet and acks only when told to. */
class Subscriber {
  readonly packets: Packet[] = [];
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly socket: dgram.Socket,
    readonly autoAck: boolean,
  ) {
    socket.on('message', (raw, from) => {
      const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
      const body = JSON.parse((gzipped ? gunzipSync(raw) : raw).toString('utf8')) as Packet['body'];
      this.packets.push({ raw, gzipped, body, from });
      if (this.autoAck) this.ack(this.packets.at(-1)!);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Binds 127.0.0.1, or every local address like the npm client does (it still only ever receives from loopback here). */
  static async open(autoAck: boolean, host = '127.0.0.1'): Promise<Subscriber> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new Subscriber(socket, autoAck);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The npm client's ack, sent back to the address the push came from. */
  ack(packet: Packet): void {
    const ack = JSON.stringify({ type: 'push-ack', lastRefTime: packet.body.lastRefTime, data: '' });
    this.socket.send(ack, packet.from.port, packet.from.address);
  }

  async waitFor(count: number, timeoutMs = 2000): Promise<Packet[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.packets.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`expected ${count} packet(s), got ${this.packets.length} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.packets;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

async function http(base: string, method: string, path: string, params: Record<string, string | number>): Promise<{ status: number; text: string }> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`${base}${path}?${qs}`, { method, headers: { 'user-agent': 'Nacos-Java-Client:v1.0.0' } });
  return { status: res.status, text: await res.text() };
}

async function subscribe(base: string, serviceName: string, sub: Subscriber, clusters = '', clientIP = '127.0.0.1'): Promise<void> {
  const res = await http(base, 'GET', '/v1/ns/instance/list', { serviceName, clusters, udpPort: sub.port, clientIP, healthyOnly: 'false' });
  assert.equal(res.status, 200, res.text);
}

async function register(base: string, params: Record<string, string | number>): Promise<void> {
  const res = await http(base, 'POST', '/v1/ns/instance', params);
  assert.equal(res.status, 200, res.text);
}

// Wide enough that a loopback ack always beats it on a loaded 2-core CI machine (60 ms flaked there), short enough
// that the resend tests stay quick.
const ACK_TIMEOUT_MS = 250;
const RETRIES = 2;

describe('UDP push to v1 subscribers', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ pushAckTimeoutMs: ACK_TIMEOUT_MS, pushRetries: RETRIES });
  });
  after(() => ts.close());

  test('a list call with udpPort and clientIP makes a subscriber', async () => {
    const sub = await Subscriber.open(true);
    try {
      await subscribe(ts.url, 'DEFAULT_GROUP@@visible', sub, 'DEFAULT');
      const found = ts.server.ctx.push.subscribers({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'visible' });
      assert.deepEqual(
        found.map((s) => ({ clientIP: s.clientIP, udpPort: s.udpPort, clusters: s.clusters, agent: s.agent })),
        [{ clientIP: '127.0.0.1', udpPort: sub.port, clusters: 'DEFAULT', agent: 'Nacos-Java-Client:v1.0.0' }],
      );
      await subscribe(ts.url, 'DEFAULT_GROUP@@visible', sub, 'DEFAULT');
      assert.equal(ts.server.ctx.push.subscribers({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'visible' }).length, 1, 'polling again refreshes, not duplicates');
    } finally {
      await sub.close();
    }
  });

  test('a registration is pushed as {type:"dom", data:<ServiceInfo JSON string>, lastRefTime}; an ack stops resends', async () => {
    const sub = await Subscriber.open(true);
    try {
      await subscribe(ts.url, 'DEFAULT_GROUP@@pushed', sub, 'DEFAULT');
      const ackedBefore = ts.server.ctx.push.stats.acked;
      await register(ts.url, { serviceName: 'DEFAULT_GROUP@@pushed', ip: '10.2.0.1', port: 8080, metadata: '{"k":"v"}' });
      const [packet] = await sub.waitFor(1);
      assert.equal(packet.body.type, 'dom');
      assert.equal(typeof packet.body.data, 'string');
      assert.equal(typeof packet.body.lastRefTime, 'number');
      assert.equal(packet.gzipped, false, 'a small packet is plain JSON');
      assert.equal(packet.from.address, '127.0.0.1');
      const info = JSON.parse(packet.body.data);
      assert.equal(info.name, 'DEFAULT_GROUP@@pushed');
      assert.equal(info.clusters, 'DEFAULT');
      assert.equal(info.cacheMillis, 10000);
      assert.deepEqual(
        info.hosts.map((h: any) => [h.ip, h.port, h.healthy, h.metadata]),
        [['10.2.0.1', 8080, true, { k: 'v' }]],
      );

      await sleep(ACK_TIMEOUT_MS * (RETRIES + 3));
      assert.equal(sub.packets.length, 1, 'no resend after the ack');
      assert.equal(ts.server.ctx.push.stats.acked, ackedBefore + 1);
    } finally {
      await sub.close();
    }
  });

  test('a subscriber only gets the clusters it asked for', async () => {
    const sub = await Subscriber.open(true);
    try {
      await subscribe(ts.url, 'DEFAULT_GROUP@@zoned', sub, 'east');
      await register(ts.url, { serviceName: 'zoned', ip: '10.2.1.1', port: 1, clusterName: 'east' });
      await register(ts.url, { serviceName: 'zoned', ip: '10.2.1.2', port: 1, clusterName: 'west' });
      const packets = await sub.waitFor(2);
      const last = JSON.parse(packets[1].body.data);
      assert.equal(last.clusters, 'east');
      assert.deepEqual(
        last.hosts.map((h: any) => h.ip),
        ['10.2.1.1'],
      );
      assert.ok(packets[1].body.lastRefTime > packets[0].body.lastRefTime);
    } finally {
      await sub.close();
    }
  });

  test('a large ServiceInfo is gzipped', async () => {
    const sub = await Subscriber.open(true);
    try {
      await subscribe(ts.url, 'DEFAULT_GROUP@@big', sub);
      const metadata = JSON.stringify({ blob: 'x'.repeat(900) });
      await register(ts.url, { serviceName: 'big', ip: '10.2.2.1', port: 1, metadata });
      await register(ts.url, { serviceName: 'big', ip: '10.2.2.2', port: 1, metadata });
      const packets = await sub.waitFor(2);
      assert.ok(packets[1].gzipped, 'gzip magic bytes');
      assert.ok(packets[1].raw.length < JSON.stringify(packets[1].body).length);
      const info = JSON.parse(packets[1].body.data);
      assert.equal(info.hosts.length, 2);
      assert.equal(info.hosts[0].metadata.blob.length, 900);
    } finally {
      await sub.close();
    }
  });

  test('an ack counts even when it comes from another loopback address than the announced clientIP', async () => {
    const sub = await Subscriber.open(true, '0.0.0.0');
    try {
      await subscribe(ts.url, 'DEFAULT_GROUP@@aliased', sub, '', '127.0.0.2');
      const ackedBefore = ts.server.ctx.push.stats.acked;
      await register(ts.url, { serviceName: 'aliased', ip: '10.2.5.1', port: 1 });
      await sub.waitFor(1);
      await sleep(ACK_TIMEOUT_MS * (RETRIES + 3));
      assert.equal(sub.packets.length, 1, 'acked, so not resent');
      assert.equal(ts.server.ctx.push.stats.acked, ackedBefore + 1);
    } finally {
      await sub.close();
    }
  });

  test('a subscriber that never acks gets at most 1 + pushRetries packets per change', async () => {
    const sub = await Subscriber.open(false);
    try {
      await subscribe(ts.url, 'DEFAULT_GROUP@@deaf', sub);
      const failedBefore = ts.server.ctx.push.stats.failed;
      await register(ts.url, { serviceName: 'deaf', ip: '10.2.3.1', port: 1 });
      await sub.waitFor(1 + RETRIES);
      await sleep(ACK_TIMEOUT_MS * (RETRIES + 4));
      assert.equal(sub.packets.length, 1 + RETRIES);
      assert.equal(new Set(sub.packets.map((p) => p.body.lastRefTime)).size, 1, 'a resend repeats the same packet');
      assert.equal(ts.server.ctx.push.stats.failed, failedBefore + 1);
    } finally {
      await sub.close();
    }
  });

  test('a clientIP that is not a loopback IP literal gets no subscription from a loopback server', async () => {
    for (const clientIP of ['192.0.2.10', 'localhost.example', 'not an ip']) {
      const res = await http(ts.url, 'GET', '/v1/ns/instance/list', { serviceName: 'elsewhere', udpPort: 40000, clientIP });
      assert.equal(res.status, 200, res.text);
    }
    assert.deepEqual(ts.server.ctx.push.subscribers({ namespace: 'public', group: 'DEFAULT_GROUP', name: 'elsewhere' }), []);
  });
});

describe('UDP push subscriber expiry (fake time)', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ pushAckTimeoutMs: ACK_TIMEOUT_MS, subscriberTtlMs: 10_000 }, { fakeTime: true });
  });
  after(() => ts.close());

  test('a subscriber that stops polling is forgotten after subscriberTtlMs and gets no more pushes', async () => {
    const ref = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'fading' };
    const sub = await Subscriber.open(true);
    try {
      await subscribe(ts.url, 'DEFAULT_GROUP@@fading', sub);
      ts.time!.advance(9_000);
      await subscribe(ts.url, 'DEFAULT_GROUP@@fading', sub);
      ts.time!.advance(9_999);
      assert.equal(ts.server.ctx.push.subscribers(ref).length, 1, 'the second poll restarted the TTL');
      await register(ts.url, { serviceName: 'fading', ip: '10.2.4.1', port: 1 });
      await sub.waitFor(1);
      ts.time!.advance(1);
      assert.deepEqual(ts.server.ctx.push.subscribers(ref), []);
      await register(ts.url, { serviceName: 'fading', ip: '10.2.4.2', port: 1 });
      await sleep(ACK_TIMEOUT_MS * 3);
      assert.equal(sub.packets.length, 1, 'no push after expiry');
    } finally {
      await sub.close();
    }
  });
});

describe('UDP push with a large following', () => {
  let ts: TestServer;
  before(async () => {
    // A burst of 1,200 packets overflows a socket's receive buffer: the lost ones are resent until acknowledged.
    ts = await startTestServer({ pushAckTimeoutMs: ACK_TIMEOUT_MS, pushRetries: 10, maxSubscribersPerAddress: 1_000 });
  });
  after(() => ts.close());

  test('a change reaching 1,200 subscribers is pushed over several turns of the event loop, once to each', async () => {
    // One socket on every address receives for subscribers announced at 127.0.0.1 and 127.0.0.2 (1,000 per address at most).
    const sub = await Subscriber.open(true, '0.0.0.0');
    try {
      const push = ts.server.ctx.push;
      const ref = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'followed' };
      for (let i = 0; i < 1_200; i++) {
        const outcome = push.subscribe({ ...ref, clusters: `c${i}`, healthyOnly: false, clientIP: i % 2 === 0 ? '127.0.0.1' : '127.0.0.2', udpPort: sub.port, agent: 'test' });
        assert.equal(outcome, 'subscribed');
      }
      const sentBefore = push.stats.sent;
      ts.server.ctx.registry.registerInstance({ ...ref, ip: '10.2.9.1', port: 1, cluster: 'DEFAULT', weight: 1, healthy: true, enabled: true, ephemeral: true, metadata: {} }, { ip: '127.0.0.1', via: 'test' });
      assert.equal(push.stats.sent, sentBefore, 'nothing pushed inside the registration itself');
      await new Promise((resolve) => setImmediate(resolve));
      const afterOneTurn = push.stats.sent - sentBefore;
      assert.ok(afterOneTurn > 0 && afterOneTurn < 1_200, `one turn pushes a part (${afterOneTurn}), not all 1,200`);
      // Each push has its own lastRefTime (a resend repeats it): 1,200 of them reach the socket.
      const distinct = () => new Set(sub.packets.map((p) => p.body.lastRefTime)).size;
      for (const deadline = Date.now() + 20_000; distinct() < 1_200 && Date.now() < deadline; ) await sleep(50);
      assert.equal(distinct(), 1_200, 'every subscriber got the change');
      assert.equal(push.stats.sent - push.stats.retried - sentBefore, 1_200, 'one push per subscriber (plus resends of lost packets)');
    } finally {
      await sub.close();
    }
  });
});

describe('UDP push with a full subscriber table (fake time)', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ maxSubscribers: 50 }, { fakeTime: true });
  });
  after(() => ts.close());

  test('refused list calls do not walk the whole table each: at most one walk a second', async () => {
    const push = ts.server.ctx.push;
    const ref = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'crowded' };
    const sub = (clusters: string) => push.subscribe({ ...ref, clusters, healthyOnly: false, clientIP: '127.0.0.1', udpPort: 9, agent: 'test' });
    for (let i = 0; i < 50; i++) assert.equal(sub(`c${i}`), 'subscribed');
    const sweepsBefore = push.sweeps;
    for (let i = 0; i < 200; i++) assert.equal(sub(`more${i}`), 'full');
    assert.equal(push.sweeps - sweepsBefore, 1, 'one walk for 200 refusals in the same second');
    ts.time!.advance(1_000);
    assert.equal(sub('later'), 'full');
    assert.equal(push.sweeps - sweepsBefore, 2, 'the next walk a second later');
    // Once the subscribers have gone idle, that walk frees their places.
    ts.time!.advance(30_000);
    assert.equal(sub('after-ttl'), 'subscribed');
  });
});

describe('UDP push coalescing', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ pushAckTimeoutMs: ACK_TIMEOUT_MS, pushRetries: RETRIES });
  });
  after(() => ts.close());

  test('the changes of one turn of the event loop to a service make one push, with all of them', async () => {
    const sub = await Subscriber.open(true);
    try {
      await subscribe(ts.url, 'DEFAULT_GROUP@@coalesced', sub);
      const sentBefore = ts.server.ctx.push.stats.sent;
      const ref = { namespace: 'public', group: 'DEFAULT_GROUP', name: 'coalesced' };
      // Three changes in one turn, as an expiry sweep or a batch makes them.
      for (const ip of ['10.2.8.1', '10.2.8.2', '10.2.8.3']) {
        ts.server.ctx.registry.registerInstance({ ...ref, ip, port: 1, cluster: 'DEFAULT', weight: 1, healthy: true, enabled: true, ephemeral: true, metadata: {} }, { ip: '127.0.0.1', via: 'test' });
      }
      const [packet] = await sub.waitFor(1);
      assert.equal((JSON.parse(packet.body.data) as { hosts: unknown[] }).hosts.length, 3, 'the push shows all three');
      await sleep(ACK_TIMEOUT_MS * 2);
      assert.equal(ts.server.ctx.push.stats.sent - sentBefore, 1, 'one push for the three changes');
      assert.equal(sub.packets.length, 1);
    } finally {
      await sub.close();
    }
  });
});
