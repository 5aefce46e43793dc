import { freePortPair, spawnServer, type SpawnedServer } from '@cairn/testkit';
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseProxy } from '../testing/db-proxy.js';
import { eventually } from '../testing/eventually.js';
import { SHARED_DIALECTS, throwAwayDatabase } from '../testing/throwaway-database.js';

// Fault tests of cluster mode with real server processes: three nodes on loopback sharing one database.
// Short cluster timings keep them fast; every wait is a deadline poll, never an exact moment.
const RENEW_MS = 500;
const LEASE_MS = 2_500;
const CLUSTER_FLAGS = ['--cluster', 'true', '--cluster-renew-ms', String(RENEW_MS), '--cluster-lease-ms', String(LEASE_MS), '--cluster-poll-ms', '200'];
/** Longer than any answer may take: a request still open after this counts as a hang. */
const REQUEST_TIMEOUT_MS = 8_000;
/** How long a write answered right after a database outage may take to reach every node (see the test). */
const AFTER_OUTAGE_MS = 5_000;
/** Slack for a loaded machine on top of the lease (a node process is slow to notice, not wrong). */
const SLACK_MS = 3_000;

// Short ephemeral timeouts, per instance, as a Nacos client sets them.
const BEAT_INTERVAL_MS = 1_000;
const DELETE_TIMEOUT_MS = 3_000;
const SHORT = JSON.stringify({ 'preserved.heart.beat.interval': String(BEAT_INTERVAL_MS), 'preserved.heart.beat.timeout': String(DELETE_TIMEOUT_MS), 'preserved.ip.delete.timeout': String(DELETE_TIMEOUT_MS) });
const SERVICE = 'orders';
/**
 * Known fault, left to the ephemeral expiry work: after an outage longer than the lease every node's lease has
 * lapsed in the database, and the first node to renew again takes the others for dead: it takes over their
 * ephemeral instances, whose timers count from the lapsed renewal, so they expire there at once. Their owners
 * keep them (their clients beat all along) and their rows name the owners again, but that node does not list them
 * again (seen for 40 s on PostgreSQL and MariaDB).
 */
// Persistent instances live in a service of their own: a service holds ephemeral or persistent instances, not both.
const DURABLE = 'stock';

interface Answer {
  status: number;
  text: string;
}

/** A request with a deadline; a refused connection or a hang answers status 0 with the reason. */
async function send(node: SpawnedServer, method: string, path: string, params: Record<string, string> = {}, token?: string): Promise<Answer> {
  const qs = new URLSearchParams(params).toString();
  const post = method === 'POST';
  try {
    const res = await fetch(`${node.url}${path}${!post && qs ? `?${qs}` : ''}`, {
      method,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: post ? qs : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: res.status, text: await res.text() };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return { status: 0, text: `${e.name}: ${e.cause?.code ?? e.message}` };
  }
}

/** The instances of SERVICE a node lists, as sorted `ip:port`; undefined when it does not answer 200. */
async function listed(node: SpawnedServer, service = SERVICE): Promise<string[] | undefined> {
  const r = await send(node, 'GET', '/v1/ns/instance/list', { serviceName: service, healthyOnly: 'false' });
  if (r.status !== 200) return undefined;
  return (JSON.parse(r.text).hosts as { ip: string; port: number }[]).map((h) => `${h.ip}:${h.port}`).sort();
}

/** Each member's state as this node lists it, by address. */
async function states(node: SpawnedServer, token?: string): Promise<Record<string, string>> {
  const r = await send(node, 'GET', '/v1/core/cluster/nodes', {}, token);
  if (r.status !== 200) return {};
  return Object.fromEntries((JSON.parse(r.text).data as { address: string; state: string }[]).map((m) => [m.address, m.state]));
}

/** The instances of SERVICE and of DURABLE a node lists. */
async function both(node: SpawnedServer): Promise<string[] | undefined> {
  const [ephemeral, durable] = [await listed(node), await listed(node, DURABLE)];
  return ephemeral && durable ? [...ephemeral, ...durable] : undefined;
}

const registerEphemeral = (node: SpawnedServer, ip: string) => send(node, 'POST', '/v1/ns/instance', { serviceName: SERVICE, ip, port: '8080', ephemeral: 'true', metadata: SHORT });
const beat = (node: SpawnedServer, ip: string) =>
  send(node, 'PUT', '/v1/ns/instance/beat', { serviceName: SERVICE, beat: JSON.stringify({ ip, port: 8080, serviceName: `DEFAULT_GROUP@@${SERVICE}`, cluster: 'DEFAULT', metadata: JSON.parse(SHORT) }) });

/**
 * A 1.x HTTP client of one ephemeral instance: beats every half interval to the first of its servers that answers
 * (as the Nacos client rotates servers on failure), registers again when told the instance is unknown (20404).
 * Records every answer's status so a test can check what the servers answered.
 */
class Client {
  readonly statuses: number[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(
    readonly ip: string,
    private readonly servers: () => SpawnedServer[],
  ) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      for (const node of this.servers()) {
        const r = await beat(node, this.ip);
        if (r.status === 0) continue; // this server is gone: the next one
        this.statuses.push(r.status);
        if (r.status === 200 && JSON.parse(r.text).code === 20404) this.statuses.push((await registerEphemeral(node, this.ip)).status);
        break;
      }
      await sleep(BEAT_INTERVAL_MS / 2);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

/** Three (or more) node processes on fixed loopback ports, so that one can be started again at its address. */
class Cluster {
  readonly nodes: SpawnedServer[] = [];
  readonly ports: number[] = [];
  readonly clients: Client[] = [];
  /** An admin's token, where auth is on (the member list is the admin's). */
  token: string | undefined;

  constructor(
    private readonly db: string,
    private readonly extra: string[] = [],
    private readonly env: Record<string, string> = {},
  ) {}

  /** Starts node i at its port (a new one the first time), one after the other (the first creates the schema). */
  async start(i: number): Promise<SpawnedServer> {
    if (this.ports[i] === undefined) {
      let port = await freePortPair();
      while (this.ports.includes(port)) port = await freePortPair();
      this.ports[i] = port;
    }
    const port = this.ports[i];
    this.nodes[i] = await spawnServer([...CLUSTER_FLAGS, '--db', this.db, '--port', String(port), '--grpc-port', String(port + 1000), ...this.extra], this.env);
    return this.nodes[i];
  }

  address(i: number): string {
    return `127.0.0.1:${this.ports[i]}`;
  }

  /** SIGKILL: no lease given back, nothing flushed. */
  async kill(i: number): Promise<void> {
    const node = this.nodes[i];
    node.process.kill('SIGKILL');
    await node.exited;
    await node.stop();
  }

  client(ip: string, servers: () => SpawnedServer[]): Client {
    const client = new Client(ip, servers);
    this.clients.push(client);
    return client;
  }

  /** Every node lists every node UP. */
  async allUp(withinMs: number): Promise<void> {
    const addresses = this.ports.map((_, i) => this.address(i));
    for (const node of this.nodes)
      await eventually(
        `all ${addresses.length} members UP on ${node.url}`,
        () => states(node, this.token),
        (s) => addresses.every((a) => s[a] === 'UP'),
        withinMs,
      );
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.stop()));
    await Promise.all(this.nodes.map((n) => n.stop('SIGKILL')));
  }
}

function cluster(t: TestContext, db: string, extra?: string[], env?: Record<string, string>): Cluster {
  const c = new Cluster(db, extra, env);
  t.after(() => c.close());
  return c;
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: a SIGKILLed node: the others keep serving and list it DOWN; its instances whose client beats elsewhere stay, the others go; restarted, it rejoins and lists everything`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const c = cluster(t, db.url);
    for (let i = 0; i < 3; i++) await c.start(i);
    await c.allUp(LEASE_MS + SLACK_MS);
    const [a, b, cc] = c.nodes;

    // Through A: one instance whose client turns to B when A is gone, and one whose client dies with A.
    // Through B: one whose client beats to B throughout.
    for (const [node, ip] of [
      [a, '10.20.0.1'],
      [a, '10.20.0.2'],
      [b, '10.20.0.3'],
    ] as const)
      assert.equal((await registerEphemeral(node, ip)).status, 200);
    const moves = c.client('10.20.0.1', () => [c.nodes[0], c.nodes[1]]);
    const diesWithA = c.client('10.20.0.2', () => [a]);
    c.client('10.20.0.3', () => [b]);
    const before = ['10.20.0.1:8080', '10.20.0.2:8080', '10.20.0.3:8080'];
    for (const node of c.nodes)
      await eventually(
        `the three instances on ${node.url}`,
        () => listed(node),
        (l) => JSON.stringify(l) === JSON.stringify(before),
      );

    await c.kill(0);
    await diesWithA.stop();
    const killedAt = Date.now();

    // The survivors keep serving: a registration on C is listed on B.
    assert.equal((await registerEphemeral(cc, '10.20.0.4')).status, 200);
    c.client('10.20.0.4', () => [cc]);
    await eventually(
      'a registration on C after the kill, on B',
      () => listed(b),
      (l) => l?.includes('10.20.0.4:8080') === true,
    );

    // A is DOWN on both within its lease (plus slack).
    for (const node of [b, cc])
      await eventually(
        `A DOWN on ${node.url}`,
        () => states(node),
        (s) => s[c.address(0)] === 'DOWN',
        LEASE_MS + SLACK_MS - (Date.now() - killedAt),
      );
    const downMs = Date.now() - killedAt;

    // The instance whose client died with A goes within lease + its delete timeout; the others stay on every
    // survivor all along (the moved one's client beats to B since A's death).
    const goneBy = killedAt + LEASE_MS + DELETE_TIMEOUT_MS + 5_000;
    const stayed = ['10.20.0.1:8080', '10.20.0.3:8080', '10.20.0.4:8080'];
    for (;;) {
      const lists = [await listed(b), await listed(cc)];
      for (const l of lists) assert.ok(l && stayed.every((k) => l.includes(k)), `an instance whose client lives left a survivor: ${JSON.stringify(lists)}`);
      if (lists.every((l) => !l?.includes('10.20.0.2:8080'))) {
        t.diagnostic(`after the SIGKILL: DOWN on both survivors by ${downMs} ms, its client-less instance gone from both by ${Date.now() - killedAt} ms`);
        break;
      }
      assert.ok(Date.now() < goneBy, `the instance whose client died with A is still listed ${Date.now() - killedAt} ms after the kill: ${JSON.stringify(lists)}`);
      await sleep(100);
    }
    // And they are still there a delete timeout later.
    const holdUntil = Date.now() + DELETE_TIMEOUT_MS + 1_000;
    while (Date.now() < holdUntil) {
      for (const node of [b, cc]) assert.deepEqual(await listed(node), stayed, `the survivors' list a delete timeout after the dead node's instances left (${node.url})`);
      await sleep(200);
    }

    // While A is dead: a persistent instance at loopback (probes are off) through B.
    const persistent = await send(b, 'POST', '/v1/ns/instance', { serviceName: DURABLE, ip: '127.0.0.1', port: '9999', ephemeral: 'false' });
    assert.equal(persistent.status, 200, persistent.text);
    await eventually(
      'the persistent instance on C',
      () => listed(cc, DURABLE),
      (l) => JSON.stringify(l) === '["127.0.0.1:9999"]',
    );

    // A restarted at its address (a new run, same database) rejoins: UP everywhere, and lists what the others do.
    await c.start(0);
    await c.allUp(LEASE_MS + SLACK_MS);
    for (const node of c.nodes) {
      await eventually(
        `everything listed on ${node.url} after A's restart`,
        () => listed(node),
        (l) => JSON.stringify(l) === JSON.stringify(stayed),
        2_000,
      );
      await eventually(
        `the persistent instance on ${node.url} after A's restart`,
        () => listed(node, DURABLE),
        (l) => JSON.stringify(l) === '["127.0.0.1:9999"]',
      );
    }
    assert.ok(
      moves.statuses.every((s) => s === 200),
      `the moving client's beats: ${moves.statuses.join(',')}`,
    );
  });
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: the database unreachable for 10 s: lists, ephemeral registrations and beats answered; durable writes 503; after it returns, durable writes work again and reach every node`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const target = new URL(db.url);
    const proxy = await databaseProxy(target.hostname, Number(target.port));
    t.after(() => proxy.close());
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    // A short store wait: a durable write that cannot be stored is answered 503 after 2 s rather than 5.
    const c = cluster(t, viaProxy.toString(), ['--store-wait-ms', '2000']);
    for (let i = 0; i < 3; i++) await c.start(i);
    await c.allUp(LEASE_MS + SLACK_MS);
    const [a, b, cc] = c.nodes;

    // Before: on each node an ephemeral instance whose client beats to that node; a persistent one on C, a config on A.
    const owned = ['10.30.0.1:8080', '10.30.0.2:8080', '10.30.0.3:8080'];
    const beating: Client[] = [];
    for (const [i, node] of c.nodes.entries()) {
      assert.equal((await registerEphemeral(node, `10.30.0.${i + 1}`)).status, 200);
      beating.push(c.client(`10.30.0.${i + 1}`, () => [node]));
    }
    assert.equal((await send(cc, 'POST', '/v1/ns/instance', { serviceName: DURABLE, ip: '127.0.0.1', port: '9001', ephemeral: 'false' })).status, 200);
    assert.equal((await send(a, 'POST', '/v1/cs/configs', { dataId: 'app.yaml', group: 'DEFAULT_GROUP', content: 'v: 1' })).status, 200);
    const before = [...owned, '127.0.0.1:9001'];
    for (const node of c.nodes)
      await eventually(
        `the instances on ${node.url}`,
        () => both(node),
        (l) => JSON.stringify(l) === JSON.stringify(before),
      );
    assert.ok(proxy.accepted > 0, 'the servers do not reach the database through the proxy');

    proxy.cut();
    const cutAt = Date.now();
    const durable: string[] = [];
    const lists: string[] = [];
    const ephemeral: number[] = [];
    const beatsFrom = beating.map((client) => client.statuses.length);
    let round = 0;
    while (Date.now() - cutAt < 10_000) {
      round++;
      for (const node of c.nodes) {
        const l = await both(node);
        if (!before.every((k) => l?.includes(k))) lists.push(`${node.url} round ${round}: ${JSON.stringify(l)}`);
      }
      // On A, an ephemeral registration each round (its client beats to A from then on).
      const ip = `10.30.1.${round}`;
      const r = await registerEphemeral(a, ip);
      ephemeral.push(r.status);
      if (r.status === 200) c.client(ip, () => [a]);
      const persistent = await send(b, 'POST', '/v1/ns/instance', { serviceName: DURABLE, ip: '127.0.0.1', port: String(9100 + round), ephemeral: 'false' });
      durable.push(`persistent ${persistent.status}`);
      const publish = await send(cc, 'POST', '/v1/cs/configs', { dataId: 'app.yaml', group: 'DEFAULT_GROUP', content: `v: during ${round}` });
      durable.push(`config ${publish.status}`);
    }
    proxy.restore();
    const outageBeats = beating.flatMap((client, i) => client.statuses.slice(beatsFrom[i]));
    t.diagnostic(`outage rounds=${round}; durable answers: ${durable.join(', ')}; beats: ${outageBeats.length}, statuses ${[...new Set(outageBeats)].join(',')}`);

    assert.deepEqual(lists, [], 'a list during the outage missed what was registered before');
    assert.ok(
      ephemeral.every((s) => s === 200),
      `ephemeral registrations during the outage: ${ephemeral.join(',')}`,
    );
    assert.ok(outageBeats.length > 0 && outageBeats.every((s) => s === 200), `beats during the outage: ${outageBeats.join(',')}`);
    assert.ok(
      durable.every((d) => d.endsWith(' 503')),
      `durable writes during the outage must be refused 503 (no other status, no hang): ${durable.join(', ')}`,
    );

    // A durable write works again (once the nodes have reconnected) and is seen on every node.
    await eventually(
      'a persistent registration on B answered 200 again',
      async () => (await send(b, 'POST', '/v1/ns/instance', { serviceName: DURABLE, ip: '127.0.0.1', port: '9200', ephemeral: 'false' })).status === 200,
      undefined,
      15_000,
    );
    await eventually('a config publish on C answered 200 again', async () => (await send(cc, 'POST', '/v1/cs/configs', { dataId: 'app.yaml', group: 'DEFAULT_GROUP', content: 'v: after' })).status === 200, undefined, 15_000);
    // Within a second once every node reads the change log again; a node still waiting out its retry backoff
    // (at most 2 s) or reconnecting its pool may take longer right after the outage.
    const writtenAt = Date.now();
    for (const node of c.nodes) {
      await eventually(
        `the persistent registration after the outage on ${node.url}`,
        () => both(node),
        (l) => l?.includes('127.0.0.1:9200') === true,
        AFTER_OUTAGE_MS,
      );
      await eventually(
        `the config published after the outage on ${node.url}`,
        async () => (await send(node, 'GET', '/v1/cs/configs', { dataId: 'app.yaml', group: 'DEFAULT_GROUP' })).text,
        (text) => text === 'v: after',
        AFTER_OUTAGE_MS,
      );
    }
    t.diagnostic(`the durable writes after the outage seen on every node by ${Date.now() - writtenAt} ms`);
    await c.allUp(LEASE_MS + SLACK_MS);
    // Each owner still lists its own instances (its clients beat all along).
    const during = ephemeral.map((_, i) => `10.30.1.${i + 1}:8080`);
    for (const [i, node] of c.nodes.entries()) {
      const own = i === 0 ? [owned[0], ...during] : [owned[i]];
      await eventually(
        `${node.url} lists its own instances`,
        () => listed(node),
        (l) => own.every((k) => l?.includes(k)),
      );
    }

    // Every node's ephemeral instances, registered before the outage or on A during it, on every node again.
    const backAt = Date.now();
    await t.test('ephemeral instances of every node are listed on every node after the outage, and stay', async () => {
      for (const node of c.nodes)
        await eventually(
          `every ephemeral instance on ${node.url}`,
          () => listed(node),
          (l) => [...owned, ...during].every((k) => l?.includes(k)),
          LEASE_MS + SLACK_MS,
        );
      t.diagnostic(`every node's ephemeral instances listed everywhere ${Date.now() - backAt} ms after the durable writes were seen`);
      await sleep(LEASE_MS);
      for (const node of c.nodes) assert.deepEqual(await listed(node), [...owned, ...during].sort(), `a lease after the outage on ${node.url}`);
    });
  });
}

for (const { dialect, name } of SHARED_DIALECTS) {
  test(`${name}: every acknowledged durable write survives a SIGKILL of the whole cluster (auth on)`, async (t) => {
    const db = await throwAwayDatabase(t, dialect);
    if (!db) return;
    const password = 'faults-admin-password';
    const c = cluster(t, db.url, ['--auth-enabled', 'true'], { CAIRN_ADMIN_PASSWORD: password });
    const login = async (node: SpawnedServer, username: string, pass: string) => {
      const r = await send(node, 'POST', '/v1/auth/login', { username, password: pass });
      return r.status === 200 ? (JSON.parse(r.text).accessToken as string) : undefined;
    };
    for (let i = 0; i < 3; i++) await c.start(i);
    const tokens = await Promise.all(c.nodes.map((n) => login(n, 'nacos', password)));
    c.token = tokens[0];
    await c.allUp(LEASE_MS + SLACK_MS);
    const [a, b, cc] = c.nodes;
    const [ta, tb, tc] = tokens.map((token) => token ?? assert.fail('admin login'));

    // Each write through another node, each acknowledged; then every process killed at once, nothing flushed.
    const writes: [SpawnedServer, string, Record<string, string>, string][] = [
      [a, '/v1/console/namespaces', { customNamespaceId: 'shop', namespaceName: 'Shop' }, ta],
      [b, '/v1/ns/service', { serviceName: 'catalog', protectThreshold: '0.5' }, tb],
      [cc, '/v1/ns/instance', { serviceName: 'catalog', ip: '127.0.0.1', port: '9300', ephemeral: 'false' }, tc],
      [a, '/v1/cs/configs', { dataId: 'db.properties', group: 'DEFAULT_GROUP', content: 'url=jdbc:x' }, ta],
      [b, '/v1/auth/users', { username: 'alice', password: 'alice-password' }, tb],
      [cc, '/v1/cs/configs', { dataId: 'db.properties', group: 'DEFAULT_GROUP', tenant: 'shop', content: 'in shop' }, tc],
    ];
    for (const [node, path, params, token] of writes) {
      const r = await send(node, 'POST', path, params, token);
      assert.equal(r.status, 200, `${path} ${JSON.stringify(params)}: ${r.text}`);
    }
    await Promise.all([0, 1, 2].map((i) => c.kill(i)));

    for (let i = 0; i < 3; i++) await c.start(i);
    c.token = (await login(c.nodes[0], 'nacos', password)) ?? assert.fail('admin login after the restart');
    await c.allUp(LEASE_MS + SLACK_MS);
    for (const node of c.nodes) {
      const token = (await login(node, 'nacos', password)) ?? assert.fail(`admin login on ${node.url}`);
      const namespaces = await send(node, 'GET', '/v1/console/namespaces', {}, token);
      assert.ok(
        (JSON.parse(namespaces.text).data as { namespace: string }[]).some((n) => n.namespace === 'shop'),
        `namespace on ${node.url}: ${namespaces.text}`,
      );
      const service = await send(node, 'GET', '/v1/ns/service', { serviceName: 'catalog' }, token);
      assert.equal(service.status, 200, service.text);
      assert.equal(JSON.parse(service.text).protectThreshold, 0.5, service.text);
      const instances = await send(node, 'GET', '/v1/ns/instance/list', { serviceName: 'catalog', healthyOnly: 'false' }, token);
      assert.deepEqual(
        (JSON.parse(instances.text).hosts as { ip: string; port: number }[]).map((h) => `${h.ip}:${h.port}`),
        ['127.0.0.1:9300'],
      );
      assert.equal((await send(node, 'GET', '/v1/cs/configs', { dataId: 'db.properties', group: 'DEFAULT_GROUP' }, token)).text, 'url=jdbc:x');
      assert.equal((await send(node, 'GET', '/v1/cs/configs', { dataId: 'db.properties', group: 'DEFAULT_GROUP', tenant: 'shop' }, token)).text, 'in shop');
      assert.ok(await login(node, 'alice', 'alice-password'), `alice logs in on ${node.url}`);
    }
  });
}
