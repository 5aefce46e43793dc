import { readFileSync } from 'node:fs';
import { GrpcClientConnection } from '../lib/grpc-client.mjs';
import { serverUsPer } from '../lib/grpc-report.mjs';
import { instanceRequest } from '../lib/grpc-tasks.mjs';
import { Histogram } from '../lib/histogram.mjs';
import { listPath } from '../lib/instances.mjs';
import { cpuTicks, ProcSampler, TICKS_PER_SECOND } from '../lib/proc-sampler.mjs';
import { freePort, startServer } from '../lib/server-process.mjs';
import { ranges } from '../lib/worker-pool.mjs';
import { round } from './list-queries.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sleepUntil = (at) => sleep(Math.max(0, at - Date.now()));
const IDLE_SERVICES = 100;
const FANOUT_SERVICE = 'bench-fanout';
/** Rounds pushed before the timed ones (not counted in the figures). */
const FANOUT_WARMUP_ROUNDS = 3;
const FANOUT_BASE_HOSTS = 10;
/** Connections being set up at once per generator process. */
const SETUP_CONCURRENCY = 64;
/** How often the server looks for idle connections (the transport's sweepEveryMs). */
const SWEEP_MS = 3_000;

/**
 * Runs `run` against a Cairn server of its own (probes off, gRPC on a free port), sampled by its own ProcSampler;
 * afterwards every generator process closes the gRPC connections it holds and the server is stopped.
 */
async function withGrpcServer({ settings, pool, nodeFlags }, serverArgs, run) {
  const grpcPort = await freePort();
  const server = await startServer({ nodeFlags, serverArgs: ['--health-check-enabled', 'false', '--grpc-port', String(grpcPort), ...serverArgs, ...settings.serverArgs] });
  const sampler = new ProcSampler(server.pid);
  sampler.setGenerators(pool.pids);
  try {
    return await run({ server, grpcPort, sampler });
  } finally {
    await pool.askAll({ task: 'grpc-close-all' }, 'grpc-closed', 30_000).catch(() => {});
    sampler.stop();
    // Closing thousands of connections takes the server seconds; a longer grace keeps its CPU profile (BENCH_CPU_PROF).
    await server.stop(60_000);
  }
}

/** Opens connections [0, count) spread over the generator processes (see grpc-tasks.mjs `connect`); `what` says what each does once set up. */
function connectAll({ settings, pool }, grpcPort, count, what, timeoutMs) {
  return pool.runAll(
    ranges(count, settings.workers).map(([from, to]) => ({ task: 'grpc-connect', port: grpcPort, from, to, concurrency: SETUP_CONCURRENCY, sourceAddresses: settings.grpcSourceAddresses, ...what })),
    timeoutMs,
    'grpc-connected',
  );
}

/** The server's CPU (% of one core) in each second, while it runs. */
function cpuPerSecond(pid) {
  const series = [];
  let last = cpuTicks(pid) ?? 0;
  const timer = setInterval(() => {
    const now = cpuTicks(pid) ?? last;
    series.push(round(((now - last) / TICKS_PER_SECOND) * 100));
    last = now;
  }, 1000);
  return () => {
    clearInterval(timer);
    return { maxPct: series.length ? Math.max(...series) : null, series };
  };
}

/** The 1, 5 and 15 minute load averages (as `uptime` shows them): the machine is shared, so each figure carries it. */
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const sum = (results, key) => results.reduce((a, r) => a + r[key], 0);
const firstErrorOf = (results) => results.find((r) => r.firstError)?.firstError ?? null;

async function counters(pool) {
  const all = await pool.askAll({ task: 'grpc-counters' }, 'grpc-counters', 30_000);
  return { open: sum(all, 'open'), detections: sum(all, 'detections'), notifies: sum(all, 'notifies'), firstCloseReason: all.find((c) => c.firstCloseReason)?.firstCloseReason ?? null };
}

/** Hosts listed over HTTP in services `<prefix>0..services-1`. */
async function countHosts(port, prefix, services) {
  let hosts = 0;
  for (let s = 0; s < services; s++) {
    const res = await fetch(`http://127.0.0.1:${port}${listPath(`${prefix}${s}`)}`);
    hosts += res.status === 200 ? (await res.json()).hosts.length : 0;
  }
  return hosts;
}

/**
 * grpc-idle: N connections, each set up as a Java client does it and holding one ephemeral instance, then left
 * alone. After every connection has sent one HealthCheckRequest (so all were last active within a short span), the
 * server's CPU and RSS are measured while nothing happens, up to just before the first of them has been idle for
 * --grpc-idle-ms; then over the few seconds in which the server sends each of them one ClientDetectionRequest,
 * which the generator answers at once.
 */
export async function grpcIdle(ctx) {
  const { settings, pool } = ctx;
  const n = settings.grpcIdleConnections;
  const idleMs = settings.grpcIdleMs;
  return withGrpcServer(ctx, ['--grpc-idle-ms', String(idleMs)], async ({ server, grpcPort, sampler }) => {
    const baseRssMb = sampler.sample();
    sampler.begin('grpc-idle-ramp');
    const connected = await connectAll(ctx, grpcPort, n, { register: { prefix: 'grpc-idle-', services: IDLE_SERVICES } }, 300_000);
    const ramp = sampler.end();
    const rampSeconds = (Math.max(...connected.map((r) => r.endedAt)) - Math.min(...connected.map((r) => r.startedAt))) / 1000;
    const touched = await pool.askAll({ task: 'grpc-touch', concurrency: SETUP_CONCURRENCY }, 'grpc-touched', 60_000);
    const touchedFrom = Math.min(...touched.map((r) => r.startedAt));
    const touchedTo = Math.max(...touched.map((r) => r.endedAt));
    // Idle: from a second after the last touch to half a second before the first touched connection turns idle.
    const idleFrom = touchedTo + 1000;
    const idleTo = touchedFrom + idleMs - 500;
    if (idleTo - idleFrom < 2000) throw new Error(`grpc-idle: touching ${n} connections took ${touchedTo - touchedFrom} ms, too long for BENCH_GRPC_IDLE_MS=${idleMs}: raise it`);
    await sleepUntil(idleFrom);
    const beforeIdle = await counters(pool);
    sampler.begin('grpc-idle');
    let stopSeries = cpuPerSecond(server.pid);
    await sleepUntil(idleTo);
    const idle = { ...sampler.end(), perSecond: stopSeries() };
    const afterIdle = await counters(pool);
    // Liveness: from just before the first connection turns idle until every one has been checked once: the server
    // looks for idle connections every 3 s, and each check is answered at once.
    sampler.begin('grpc-liveness');
    stopSeries = cpuPerSecond(server.pid);
    await sleepUntil(touchedTo + idleMs + SWEEP_MS + 1000);
    const liveness = { ...sampler.end(), perSecond: stopSeries() };
    const afterLiveness = await counters(pool);
    const hostsListed = await countHosts(server.port, 'grpc-idle-', IDLE_SERVICES);
    return {
      scenario: 'grpc-idle',
      connections: n,
      connected: sum(connected, 'ok'),
      failed: sum(connected, 'failed') + sum(touched, 'failed'),
      firstError: firstErrorOf(connected) ?? firstErrorOf(touched),
      rampSeconds: round(rampSeconds),
      setupPerSecond: Math.round(sum(connected, 'ok') / rampSeconds),
      setupLatency: connected.reduce((h, r) => h.merge(Histogram.from(r.setup)), new Histogram()).summary(),
      idleMs,
      baseRssMb: Math.round(baseRssMb ?? 0),
      rssPerConnectionKb: Math.round((((idle.serverPeakRssMb ?? 0) - (baseRssMb ?? 0)) * 1024) / Math.max(1, n)),
      touchSeconds: round((touchedTo - touchedFrom) / 1000),
      detectionsDuringIdle: afterIdle.detections - beforeIdle.detections,
      detectionsDuringLiveness: afterLiveness.detections - afterIdle.detections,
      livenessSeconds: liveness.seconds,
      openAtEnd: afterLiveness.open,
      firstCloseReason: afterLiveness.firstCloseReason,
      hostsListed,
      loadAverage: loadAverage(),
      proc: { ramp, idle, liveness },
    };
  });
}

/**
 * grpc-registrations: `grpcConnections` connections (set up before the clock starts) register N ephemeral instances
 * with `grpcPipeline` unary InstanceRequests in flight on each; then N more in BatchInstanceRequests of
 * `grpcBatchSize` instances (each in a service of its own). Rate = instances answered ÷ (last worker done − first started).
 */
export async function grpcRegistrations(ctx) {
  const { settings, pool } = ctx;
  const total = settings.grpcRegisterInstances;
  const perWorker = Math.max(1, Math.ceil(settings.grpcConnections / settings.workers));
  return withGrpcServer(ctx, [], async ({ grpcPort, sampler }) => {
    await pool.runAll(
      pool.workers.map((_, w) => ({ task: 'grpc-register', port: grpcPort, connections: perWorker, sourceAddresses: settings.grpcSourceAddresses, firstConnection: w * perWorker })),
      120_000,
      'grpc-ready',
    );
    const common = { pipeline: settings.grpcPipeline, prefix: 'grpc-reg-', services: IDLE_SERVICES };
    const phase = async (name, parts, batchSize) => {
      sampler.begin(name);
      const results = await pool.runAll(
        parts.map(([from, to]) => ({ task: 'grpc-register-go', from, to, batchSize, ...common })),
        300_000,
        'grpc-done',
      );
      const proc = sampler.end();
      const ok = sum(results, 'ok');
      const seconds = (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
      return {
        scenario: name,
        instances: parts.reduce((a, [from, to]) => a + to - from, 0),
        ok,
        failed: sum(results, 'failed'),
        firstError: firstErrorOf(results),
        seconds: round(seconds),
        perSecond: Math.round(ok / seconds),
        latency: results.reduce((h, r) => h.merge(Histogram.from(r.hist)), new Histogram()).summary(),
        serverUsPerInstance: serverUsPer(proc, ok),
        proc,
      };
    };
    const unary = await phase('grpc-register', ranges(total, settings.workers), 0);
    // Batches: instances [total, 2 total) in whole batches, so each batch has a service of its own.
    const size = settings.grpcBatchSize;
    const batches = Math.max(1, Math.floor(total / size));
    const batchParts = ranges(batches, settings.workers).map(([a, b]) => [total + a * size, total + b * size]);
    const batch = await phase('grpc-batch', batchParts, size);
    return {
      scenario: 'grpc-registrations',
      firstError: unary.firstError ?? batch.firstError,
      loadAverage: loadAverage(),
      connections: perWorker * settings.workers,
      pipeline: settings.grpcPipeline,
      batchSize: size,
      unary,
      batch: { ...batch, batchesPerSecond: Math.round(batch.perSecond / size) },
    };
  });
}

/**
 * grpc-fanout: S subscribers, each on its own connection, subscribe to one service of 10 instances. In each round a
 * connection of the orchestrator registers one more instance there, and every subscriber records when it received
 * the push (NotifySubscriberRequest) whose service has the new host count; it answers the push on receipt. Figures:
 * ms from sending the registration to the last subscriber's receipt (per round, p50/p99 over rounds), and to each
 * receipt (all rounds). A push retried because its answer did not arrive within 3 s shows as extra pushes.
 */
export async function grpcFanout(ctx) {
  const { settings, pool } = ctx;
  const subscribers = settings.grpcSubscribers;
  const rounds = settings.grpcFanoutRounds;
  return withGrpcServer(ctx, [], async ({ grpcPort, sampler }) => {
    const changer = await new GrpcClientConnection(grpcPort).open();
    try {
      for (let h = 0; h < FANOUT_BASE_HOSTS; h++) await changer.request('InstanceRequest', instanceRequest(FANOUT_SERVICE, `10.250.0.${h + 1}`));
      const connected = await connectAll(ctx, grpcPort, subscribers, { subscribe: FANOUT_SERVICE, expectHosts: FANOUT_BASE_HOSTS }, 120_000);
      const subscribed = sum(connected, 'ok');
      const before = await counters(pool);
      const allReceived = new Histogram();
      const each = new Histogram();
      const answered = new Histogram();
      let missing = 0;
      sampler.begin('grpc-fanout');
      // The first rounds run while V8 still compiles the push path: they are sent and checked, not timed.
      for (let r = 0; r < FANOUT_WARMUP_ROUNDS + rounds; r++) {
        const timed = r >= FANOUT_WARMUP_ROUNDS;
        const expectHosts = FANOUT_BASE_HOSTS + r + 1;
        const done = pool.waitAll('grpc-round', 20_000);
        await pool.askAll({ task: 'grpc-arm', expectHosts, timeoutMs: 10_000, id: r }, 'grpc-armed', 10_000);
        const sentAt = performance.timeOrigin + performance.now();
        const answer = await changer.request('InstanceRequest', instanceRequest(FANOUT_SERVICE, `10.251.${r >> 8}.${r & 255}`));
        if (timed) answered.recordMs(performance.timeOrigin + performance.now() - sentAt);
        if (answer.type !== 'InstanceResponse') throw new Error(`grpc-fanout: the change was answered ${answer.type}: ${JSON.stringify(answer.body)}`);
        const results = await done;
        let last = 0;
        for (const res of results) {
          missing += res.missing;
          for (const at of res.arrivals) {
            if (timed) each.recordMs(at - sentAt);
            last = Math.max(last, at - sentAt);
          }
        }
        if (timed) allReceived.recordMs(last);
        await sleep(100);
      }
      const proc = sampler.end();
      const after = await counters(pool);
      return {
        scenario: 'grpc-fanout',
        subscribers,
        subscribed,
        rounds,
        warmupRounds: FANOUT_WARMUP_ROUNDS,
        failed: sum(connected, 'failed'),
        firstError: firstErrorOf(connected),
        missing,
        pushesReceived: after.notifies - before.notifies,
        extraPushes: after.notifies - before.notifies - subscribed * (FANOUT_WARMUP_ROUNDS + rounds),
        allReceived: allReceived.summary(),
        each: each.summary(),
        changeAnswered: answered.summary(),
        loadAverage: loadAverage(),
        proc,
      };
    } finally {
      changer.close();
    }
  });
}
