import { registerInBatches } from '../lib/grpc-batches.mjs';
import { GrpcClientConnection } from '../lib/grpc-client.mjs';
import { instanceRequest, subscribeRequest } from '../lib/grpc-tasks.mjs';
import { Histogram } from '../lib/histogram.mjs';
import { Target } from '../lib/http-client.mjs';
import { listPath } from '../lib/instances.mjs';
import { ProcSampler } from '../lib/proc-sampler.mjs';
import { freePort, startServer } from '../lib/server-process.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round } from './list-queries.mjs';
import { RAISED_TIMEOUTS, TWO_KEYS } from './memory.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const PREFIX = 'scale-';
const LIST_REQUESTS = 2_000;
const PUSH_ROUNDS = 20;
const PUSH_WARMUP_ROUNDS = 3;
/** Instances the server may hold beyond the scenario's own (`--max-instances`): the push rounds add some. */
const HEADROOM = 1_000;
/** How long the instances are held before RSS is read: the server settles after the registrations. */
const SETTLE_MS = 5_000;
// The lists are measured twice: 5 s after the last registration, while V8 may still be marking the heap that grew
// to hold them, and again once that has settled (the verdict).
const STEADY_AFTER_MS = 30_000;

/**
 * scale (only when BENCH_SCENARIOS names it): one server (probes off, `scaleNodeFlags`) holds `scaleInstances`
 * ephemeral instances over `scaleServices` services, registered with gRPC BatchInstanceRequests (one batch per
 * service, the two-key metadata plus the `preserved.*` timeouts raised to an hour, so no instance needs beats).
 * While holding them: its RSS; a list of one service (instances / services hosts) over HTTP, one request at a time;
 * the time from a registration in a subscribed service to the subscriber's push, over several rounds. Then the server
 * is killed and started again on the same data folder and ports, and the same clients, connected again, send their
 * batches again: the rate at which those re-registrations are accepted (instances per second).
 */
export async function scaleScenario({ settings, pool }) {
  const n = settings.scaleInstances;
  const batchSize = Math.max(1, Math.ceil(n / settings.scaleServices));
  const batches = Math.ceil(n / batchSize);
  const metadata = { ...TWO_KEYS, ...RAISED_TIMEOUTS };
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-bench-scale-'));
  const [port, grpcPort] = [await freePort(), await freePort()];
  const start = () =>
    startServer({ nodeFlags: settings.scaleNodeFlags, serverArgs: ['--health-check-enabled', 'false', '--grpc-port', String(grpcPort), '--max-instances', String(n + HEADROOM), ...settings.serverArgs], dataDir, port, timeoutMs: 120_000 });
  let server = await start();
  let sampler = new ProcSampler(server.pid);
  sampler.setGenerators(pool.pids);
  const registerAll = async (name) => {
    const done = await registerInBatches({ settings, pool }, grpcPort, { count: n, batchSize, prefix: PREFIX, metadata, timeoutMs: 900_000, onStart: () => sampler.begin(name) });
    return { ...done, seconds: round(done.seconds), proc: sampler.end() };
  };
  try {
    const register = await registerAll('scale-register');
    const registeredAt = Date.now();
    await sleep(SETTLE_MS);
    const rssMb = Math.round(sampler.sample() ?? 0);
    const listRightAfter = await listOne(port, `${PREFIX}batch-1`, batchSize);
    const push = await pushRounds(grpcPort, `${PREFIX}batch-0`, batchSize);
    await sleep(Math.max(0, STEADY_AFTER_MS - (Date.now() - registeredAt)));
    const list = await listOne(port, `${PREFIX}batch-1`, batchSize);
    const heldPeakRssMb = Math.round(Math.max(register.proc.serverPeakRssMb ?? 0, sampler.sample() ?? 0));
    // Kill (no graceful end: the instances are gone with the process), start on the same data folder and ports.
    await pool.askAll({ task: 'grpc-close-all' }, 'grpc-closed', 60_000).catch(() => {});
    process.kill(server.pid, 'SIGKILL');
    await server.stop();
    sampler.stop();
    const restartedAt = Date.now();
    server = await start();
    const restartSeconds = round((Date.now() - restartedAt) / 1000);
    sampler = new ProcSampler(server.pid);
    sampler.setGenerators(pool.pids);
    const reregister = await registerAll('scale-reregister');
    return {
      scenario: 'scale',
      instances: n,
      services: batches,
      batchSize,
      nodeFlags: settings.scaleNodeFlags,
      registered: register.ok,
      registerPerSecond: register.perSecond,
      register,
      rssMb,
      peakRssMb: heldPeakRssMb,
      list,
      listRightAfter,
      push,
      restartSeconds,
      reregister,
      firstError: register.firstError ?? reregister.firstError ?? list.firstError ?? listRightAfter.firstError,
    };
  } finally {
    await pool.askAll({ task: 'grpc-close-all' }, 'grpc-closed', 60_000).catch(() => {});
    sampler.stop();
    await server.stop(60_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** LIST_REQUESTS lists of one service over HTTP, one at a time on one connection. */
async function listOne(port, service, expectHosts) {
  const target = new Target(port, 1);
  const latency = new Histogram();
  let ok = 0;
  let failed = 0;
  let firstError = null;
  try {
    for (let i = 0; i < LIST_REQUESTS; i++) {
      const t0 = performance.now();
      const res = await target.request('GET', listPath(service), true);
      latency.recordMs(performance.now() - t0);
      const hosts = res.status === 200 ? JSON.parse(res.body).hosts.length : -1;
      if (hosts === expectHosts) ok++;
      else {
        failed++;
        firstError ??= `list answered HTTP ${res.status} with ${hosts} hosts (expected ${expectHosts})`;
      }
    }
  } finally {
    target.close();
  }
  return { ok, failed, firstError, latency: latency.summary() };
}

/** Rounds of: register one more instance in `service`; time until the subscriber's push shows it. */
async function pushRounds(grpcPort, service, baseHosts) {
  const subscriber = await new GrpcClientConnection(grpcPort).open();
  const changer = await new GrpcClientConnection(grpcPort).open();
  const delay = new Histogram();
  let missing = 0;
  try {
    const answer = await subscriber.request('SubscribeServiceRequest', subscribeRequest(service));
    if (answer.type !== 'SubscribeServiceResponse') throw new Error(`scale: SubscribeServiceRequest answered ${answer.type}`);
    for (let r = 0; r < PUSH_WARMUP_ROUNDS + PUSH_ROUNDS; r++) {
      const expectHosts = baseHosts + r + 1;
      const received = new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), 10_000);
        subscriber.onNotify = (info, at) => {
          if (info?.hosts?.length !== expectHosts) return;
          clearTimeout(timer);
          resolve(at);
        };
      });
      const sentAt = performance.timeOrigin + performance.now();
      await changer.request('InstanceRequest', instanceRequest(service, `10.252.${r >> 8}.${r & 255}`));
      const at = await received;
      if (at === null) missing++;
      else if (r >= PUSH_WARMUP_ROUNDS) delay.recordMs(at - sentAt);
      await sleep(100);
    }
  } finally {
    subscriber.close();
    changer.close();
  }
  return { rounds: PUSH_ROUNDS, missing, delay: delay.summary() };
}
