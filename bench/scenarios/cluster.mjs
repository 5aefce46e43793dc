import { createHash, randomBytes } from 'node:crypto';
import { getPath, listenPath, publishPath } from '../lib/config-tasks.mjs';
import { Histogram } from '../lib/histogram.mjs';
import { Target } from '../lib/http-client.mjs';
import { deregisterPath, listPath, registerPath, serviceOf } from '../lib/instances.mjs';
import { ProcSampler } from '../lib/proc-sampler.mjs';
import { startServer } from '../lib/server-process.mjs';
import { ranges } from '../lib/worker-pool.mjs';
import { round } from './list-queries.mjs';

const NODES = 3;
const BEAT_INTERVAL_MS = 5_000;
// Nothing expires by its own timeout during the scenario, so no health flip or removal of the fleet adds database
// writes to the figures; a killed node's instances still go when its lease lapses (that is not a timeout).
const KEEP_ALIVE = ['--beat-timeout-ms', '3600000', '--delete-timeout-ms', '3600000'];
const VISIBILITY_SERVICE = 'cluster-visibility';
const VISIBILITY_DATA_ID = 'cluster-visibility';
const POLL_MS = 10;
const MEMBER_POLL_MS = 100;
const RENEW_MS = 2_000; // the default --cluster-renew-ms the nodes run with
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Three nodes with `--cluster true` on a PostgreSQL database of the scenario's own (created, then dropped), all on
 * 127.0.0.1, started with the default lease (10 s) and renewal (2 s):
 *   1. registrations, then beats on a client's schedule (every 5 s), each node taking its own block of instances;
 *   2. while the beats run: an ephemeral instance registered on node i, timed until every other node lists it, then
 *      deregistered and timed until every other node no longer does (i taking turns; polls every 10 ms);
 *   3. a config published on node i, timed until a long poll held on each other node is answered with it;
 *   4. a node killed with SIGKILL, timed until every survivor lists it SUSPICIOUS and DOWN (and the instances
 *      it owned checked to stay listed while a survivor takes them over), then started again on the same port.
 * Skipped (with the reason) when the PostgreSQL server cannot be reached.
 */
export async function clusterScenario({ settings, pool, nodeFlags }) {
  const startedAt = performance.now();
  if (settings.clusterInstances < NODES * settings.workers) throw new Error(`BENCH_CLUSTER_INSTANCES must be at least ${NODES * settings.workers} (every generator process beats a block on every node)`);
  const db = await createDatabase(settings.clusterPgUrl);
  if ('skipped' in db) {
    console.log(`bench: cluster: skipped: ${db.skipped}`);
    return { scenario: 'cluster', skipped: db.skipped };
  }
  const serverArgs = ['--health-check-enabled', 'false', '--cluster', 'true', '--db', db.url, '--grpc-port', '0', ...KEEP_ALIVE, ...settings.serverArgs];
  const nodes = [];
  try {
    // The first node creates the schema; the others start together on it.
    nodes.push(await startNode(nodeFlags, serverArgs));
    nodes.push(...(await Promise.all(Array.from({ length: NODES - 1 }, () => startNode(nodeFlags, serverArgs)))));
    console.log(`bench: cluster: nodes ${nodes.map((n) => `pid ${n.server.pid} on 127.0.0.1:${n.port}`).join(', ')}, database ${db.name}`);
    const joinMs = await waitAllUp(nodes, 30_000);
    const blocks = ranges(settings.clusterInstances, NODES);
    const load = await loadPhase({ settings, pool, nodes, blocks });
    const config = await configVisibility(nodes, settings.clusterConfigRounds);
    const kills = [];
    for (let r = 0; r < settings.clusterKills; r++) kills.push(await killAndRestart({ nodes, victim: NODES - 1 - (r % NODES), blocks: r < NODES ? blocks : null, settings, nodeFlags, serverArgs }));
    return {
      scenario: 'cluster',
      nodes: NODES,
      database: 'PostgreSQL',
      leaseMs: 10_000,
      renewMs: RENEW_MS,
      joinMs: round(joinMs),
      instances: settings.clusterInstances,
      ...load,
      config,
      kills,
      seconds: round((performance.now() - startedAt) / 1000),
    };
  } finally {
    for (const n of nodes) n.target.close();
    await Promise.all(nodes.map((n) => n.server.stop()));
    await db.drop();
  }
}

/** A database of the run's own on the PostgreSQL server of `adminUrl` (loopback only), or why it cannot be made. */
async function createDatabase(adminUrl) {
  const url = new URL(adminUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!/^127\./.test(host) && host !== '::1' && host !== 'localhost') throw new Error(`BENCH_PG_URL must name a loopback host (127.x, ::1, localhost), got '${url.hostname}'`);
  const { default: pg } = await import('pg');
  const root = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  const name = `cairn_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await root.connect();
    await root.query(`CREATE DATABASE "${name}"`);
  } catch (error) {
    await root.end().catch(() => undefined);
    return { skipped: `cannot create a database on PostgreSQL at ${url.host} (BENCH_PG_URL): ${error instanceof Error ? error.message : String(error)}` };
  }
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      try {
        await root.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await root.end();
      }
    },
  };
}

async function startNode(nodeFlags, serverArgs, port) {
  const server = await startServer({ nodeFlags, serverArgs, port });
  return { server, port: server.port, target: new Target(server.port, 4) };
}

const addressOf = (node) => `127.0.0.1:${node.port}`;

async function members(node) {
  const res = await node.target.request('GET', '/nacos/v1/core/cluster/nodes', true, 5_000);
  if (res.status !== 200) throw new Error(`cluster: member list of ${addressOf(node)}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  return new Map(JSON.parse(res.body).data.map((m) => [m.address, m.state]));
}

/** Waits until every node lists every node UP; resolves to the ms it took. */
async function waitAllUp(nodes, timeoutMs) {
  const t0 = performance.now();
  for (;;) {
    const lists = await Promise.all(nodes.map(members));
    if (lists.every((list) => nodes.every((n) => list.get(addressOf(n)) === 'UP'))) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`cluster: the nodes did not all list each other UP within ${timeoutMs} ms: ${JSON.stringify(lists.map((l) => Object.fromEntries(l)))}`);
    await sleep(MEMBER_POLL_MS);
  }
}

/** Registrations, then beats on schedule, per node; the instance visibility probes run during the beats. */
async function loadPhase({ settings, pool, nodes, blocks }) {
  const lanes = Math.max(1, Math.ceil(settings.connections / settings.workers / NODES));
  const samplers = nodes.map((n) => {
    const s = new ProcSampler(n.server.pid);
    s.setGenerators(pool.pids);
    return s;
  });
  // Worker w takes the w-th share of every node's block.
  const tasksOf = (extra) =>
    Array.from({ length: settings.workers }, (_, w) => ({
      ...extra,
      services: settings.services,
      lanes,
      blocks: blocks.map(([from, to], n) => {
        const [a, b] = ranges(to - from, settings.workers)[w];
        return [from + a, from + b, nodes[n].port];
      }),
    }));
  try {
    for (const s of samplers) s.begin('cluster register');
    const registered = await pool.runAll(tasksOf({ task: 'cluster-register', maxMs: 120_000 }), 150_000);
    const registerProc = samplers.map((s) => s.end());
    for (const s of samplers) s.begin('cluster beats');
    let beating = true;
    const beats = pool.runAll(tasksOf({ task: 'cluster-beat', durationMs: settings.clusterBeatSeconds * 1000, intervalMs: BEAT_INTERVAL_MS }), settings.clusterBeatSeconds * 1000 + 30_000);
    beats.then(
      () => (beating = false),
      () => (beating = false),
    );
    const caughtUp = everyNodeCounts(nodes, settings.clusterInstances, 60_000);
    const instance = await instanceVisibility(nodes, () => beating, settings.clusterProbes);
    const beaten = await beats;
    const registeredEverywhereMs = await caughtUp;
    const beatProc = samplers.map((s) => s.end());
    return {
      connectionsPerNode: lanes * settings.workers,
      register: nodes.map((_, n) =>
        perNode(
          registered.map((r) => r.nodes[n]),
          blocks[n][1] - blocks[n][0],
          registerProc[n],
        ),
      ),
      beats: nodes.map((_, n) => ({
        ...perNode(
          beaten.map((r) => r.nodes[n]),
          blocks[n][1] - blocks[n][0],
          beatProc[n],
        ),
        offeredPerSecond: round(((blocks[n][1] - blocks[n][0]) * 1000) / BEAT_INTERVAL_MS),
      })),
      instance,
      registeredEverywhereMs: registeredEverywhereMs === null ? null : round(registeredEverywhereMs),
    };
  } finally {
    for (const s of samplers) s.stop();
  }
}

/**
 * Polls every node's Prometheus endpoint every 100 ms until each counts at least `instances` ephemeral instances
 * (`cairn_instances`); resolves to the ms it took from the call (right after the last registration was answered),
 * or null after `timeoutMs`.
 */
async function everyNodeCounts(nodes, instances, timeoutMs) {
  const count = async (node) => {
    const res = await node.target.request('GET', '/nacos/actuator/prometheus', true);
    return [...res.body.matchAll(/^cairn_instances\{kind="ephemeral",state="[a-z]+"\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
  };
  const t0 = performance.now();
  return msUntil(async () => (await Promise.all(nodes.map(count))).every((n) => n >= instances), t0, timeoutMs, MEMBER_POLL_MS);
}

/** One node's figures from every worker's share: requests answered, rate over the phase, latency, its CPU and RSS. */
function perNode(shares, instances, proc) {
  const ok = shares.reduce((a, r) => a + r.ok, 0);
  const seconds = (Math.max(...shares.map((r) => r.endedAt)) - Math.min(...shares.map((r) => r.startedAt))) / 1000;
  return {
    instances,
    ok,
    failed: shares.reduce((a, r) => a + r.failed, 0),
    firstError: shares.find((r) => r.firstError)?.firstError ?? null,
    seconds: round(seconds),
    perSecond: Math.round(ok / seconds),
    latency: shares.reduce((h, r) => h.merge(Histogram.from(r.hist)), new Histogram()).summary(),
    lateness: shares[0].lateness ? shares.reduce((h, r) => h.merge(Histogram.from(r.lateness)), new Histogram()).summary() : undefined,
    proc,
  };
}

/** Polls `check` every `everyMs` until it holds; resolves to the ms since `t0`, or null after `timeoutMs`. */
async function msUntil(check, t0, timeoutMs = 10_000, everyMs = POLL_MS) {
  for (;;) {
    if (await check()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) return null;
    await sleep(everyMs);
  }
}

/**
 * Probe k registers 10.254.x.y on node k % 3 and times, from the moment the registration is sent, until each other
 * node lists it; then deregisters it and times until each other node no longer lists it. At least `minProbes`, and
 * more while `busy()` (the beats) lasts.
 */
async function instanceVisibility(nodes, busy, minProbes) {
  const registered = new Histogram();
  const removed = new Histogram();
  const answer = new Histogram();
  let missed = 0;
  let probes = 0;
  let underLoad = 0;
  let firstError = null;
  let slowest = null;
  const overASecond = [];
  const listed = async (node, ip) => {
    const res = await node.target.request('GET', listPath(VISIBILITY_SERVICE), true);
    return res.status === 200 && res.body.includes(`"ip":"${ip}"`);
  };
  while ((probes < minProbes || busy()) && probes < 2_000) {
    const k = probes++;
    if (busy()) underLoad++;
    const writer = nodes[k % NODES];
    const readers = nodes.filter((n) => n !== writer);
    const ip = `10.254.${(k >>> 8) & 255}.${k & 255}`;
    const t0 = performance.now();
    const res = await writer.target.request('POST', registerPath(VISIBILITY_SERVICE, ip, 9000), true);
    answer.recordMs(performance.now() - t0);
    if (res.status !== 200 || res.body !== 'ok') {
      firstError ??= `register on ${addressOf(writer)}: HTTP ${res.status} ${res.body.slice(0, 200)}`;
      missed++;
      continue;
    }
    const seen = await Promise.all(readers.map((r) => msUntil(() => listed(r, ip), t0)));
    for (const [n, ms] of seen.entries()) {
      if (ms === null) missed++;
      else registered.recordMs(ms);
      if (ms !== null && ms > 1_000 && overASecond.length < 10) overASecond.push(k);
      if (ms !== null && ms > (slowest?.ms ?? 0)) slowest = { probe: k, writer: addressOf(writer), reader: addressOf(readers[n]), ms: round(ms), duringBeats: busy() };
    }
    const t1 = performance.now();
    const del = await writer.target.request('DELETE', deregisterPath(VISIBILITY_SERVICE, ip, 9000), true);
    if (del.status !== 200) firstError ??= `deregister on ${addressOf(writer)}: HTTP ${del.status} ${del.body.slice(0, 200)}`;
    for (const ms of await Promise.all(readers.map((r) => msUntil(async () => !(await listed(r, ip)), t1)))) ms === null ? missed++ : removed.recordMs(ms);
  }
  return { probes, underLoad, pollMs: POLL_MS, registered: registered.summary(), removed: removed.summary(), writeAnswer: answer.summary(), slowest, overASecond, missed, firstError };
}

const md5 = (text) => createHash('md5').update(text).digest('hex');

/**
 * Round r publishes `round=r` on node r % 3 while each other node holds a 1.x long poll on the previous content;
 * timed from the start of the publish to each poll's answer naming the config.
 */
async function configVisibility(nodes, rounds) {
  const hist = new Histogram();
  let missed = 0;
  let firstError = null;
  const publish = async (node, content) => {
    const res = await node.target.request('POST', publishPath(VISIBILITY_DATA_ID, content), true);
    if (res.status !== 200 || res.body.trim() !== 'true') throw new Error(`cluster: config publish on ${addressOf(node)}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  };
  await publish(nodes[0], 'round=0');
  const t0 = performance.now();
  for (const n of nodes)
    if ((await msUntil(async () => (await n.target.request('GET', getPath(VISIBILITY_DATA_ID), true)).body === 'round=0', t0)) === null) throw new Error(`cluster: the first config publish was not served by ${addressOf(n)} within 10 s`);
  const listeners = nodes.map((n) => new Target(n.port, 1));
  try {
    for (let r = 1; r <= rounds; r++) {
      const writer = r % NODES;
      const held = nodes.flatMap((_, j) => (j === writer ? [] : [j]));
      const polls = held.map(async (j) => {
        try {
          const res = await listeners[j].request('POST', listenPath(VISIBILITY_DATA_ID, md5(`round=${r - 1}`)), true, 40_000, 'Long-Pulling-Timeout: 30000\r\n');
          if (res.status === 200 && decodeURIComponent(res.body).includes(VISIBILITY_DATA_ID)) return performance.now();
          firstError ??= `long poll on ${addressOf(nodes[j])}: HTTP ${res.status} '${res.body.slice(0, 200)}'`;
        } catch (error) {
          firstError ??= `long poll on ${addressOf(nodes[j])}: ${error}`;
        }
        return null;
      });
      await sleep(300); // for the polls to be parked on their nodes
      const start = performance.now();
      await publish(nodes[writer], `round=${r}`);
      for (const at of await Promise.all(polls)) at === null ? missed++ : hist.recordMs(Math.max(0, at - start));
    }
  } finally {
    for (const t of listeners) t.close();
  }
  return { rounds, notified: hist.total, missed, delay: hist.summary(), firstError };
}

/** Index of a fleet instance from its made-up address 10.a.b.c (see instances.mjs ipOf). */
const indexOfIp = (ip) =>
  ip
    .split('.')
    .slice(1)
    .reduce((a, b) => a * 256 + Number(b), 0);

/**
 * SIGKILLs node `victim` and polls every survivor's member list every 100 ms until it shows the victim SUSPICIOUS
 * and DOWN; with `blocks`, also polls one service's list on both survivors until a renewal interval after DOWN and
 * keeps the fewest of the victim's instances listed (one survivor takes over their expiry; they must stay listed).
 * Then starts a node on the victim's port again (a new node id at the same address) and waits until all are UP.
 */
async function killAndRestart({ nodes, victim, blocks, settings, nodeFlags, serverArgs }) {
  const node = nodes[victim];
  const survivors = nodes.filter((n) => n !== node);
  const address = addressOf(node);
  const [from, to] = blocks ? blocks[victim] : [0, 0];
  const service = serviceOf(0, settings.services);
  const owned = async (survivor) => {
    const res = await survivor.target.request('GET', listPath(service), true);
    const ips = [...res.body.matchAll(/"ip":"(10\.[0-9.]+)"/g)].map((m) => indexOfIp(m[1]));
    return ips.filter((i) => i >= from && i < to).length;
  };
  const ownedBefore = blocks ? Math.min(...(await Promise.all(survivors.map(owned)))) : 0;
  node.target.close();
  process.kill(node.server.pid, 'SIGKILL');
  const t0 = performance.now();
  const stopped = node.server.stop();
  const seen = survivors.map(() => ({ suspiciousMs: null, downMs: null }));
  const timeoutMs = 30_000;
  const watchMembers = (async () => {
    while (seen.some((s) => s.downMs === null) && performance.now() - t0 < timeoutMs) {
      await Promise.all(
        survivors.map(async (s, n) => {
          if (seen[n].downMs !== null) return;
          const state = (await members(s)).get(address);
          const ms = round(performance.now() - t0);
          if (state !== 'UP' && seen[n].suspiciousMs === null) seen[n].suspiciousMs = ms;
          if (state === 'DOWN') seen[n].downMs = ms;
        }),
      );
      await sleep(MEMBER_POLL_MS);
    }
  })();
  // The victim's instances (its clients are gone, their timeouts are an hour here) must stay listed on both
  // survivors while one of them takes over their expiry: watched until a renewal interval after DOWN.
  let watching = ownedBefore > 0;
  let ownedMin = ownedBefore;
  const watchOwned = (async () => {
    while (watching) {
      ownedMin = Math.min(ownedMin, ...(await Promise.all(survivors.map(owned))));
      await sleep(MEMBER_POLL_MS);
    }
  })();
  await watchMembers;
  await sleep(RENEW_MS + 500);
  watching = false;
  await watchOwned;
  const ownedAfter = ownedBefore > 0 ? Math.min(...(await Promise.all(survivors.map(owned)))) : 0;
  await stopped;
  const restarted = await startNode(nodeFlags, serverArgs, node.port);
  nodes[victim] = restarted;
  const rejoinMs = await waitAllUp(nodes, 30_000);
  const result = {
    node: address,
    survivors: survivors.map((s, n) => ({ node: addressOf(s), ...seen[n] })),
    ownedInOneService: { before: ownedBefore, leastDuringTakeOver: ownedMin, after: ownedAfter },
    rejoinMs: round(rejoinMs),
  };
  console.log(`bench: cluster: kill ${address}: DOWN on the survivors after ${result.survivors.map((s) => (s.downMs === null ? 'never' : `${s.downMs} ms`)).join(', ')}`);
  return result;
}
