import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerInBatches } from '../lib/grpc-batches.mjs';
import { perUnit, snapshotFlags, takeSnapshot } from '../lib/heap-snapshot.mjs';
import { listPath } from '../lib/instances.mjs';
import { ProcSampler } from '../lib/proc-sampler.mjs';
import { freePort, startServer } from '../lib/server-process.mjs';
import { ranges } from '../lib/worker-pool.mjs';
import { round } from './list-queries.mjs';

/** The typical metadata of the scenario: two short keys. */
export const TWO_KEYS = { app: 'shop', zone: 'a' };
/** Timeouts raised per instance (an hour), so the instances need no beats while the scenario runs. */
export const RAISED_TIMEOUTS = { 'preserved.heart.beat.timeout': '3600000', 'preserved.ip.delete.timeout': '3600000' };

/** Instances in the four-key step: a tenth of the two-key step's (a heap snapshot's time grows with the heap). */
const FOUR_KEY_SHARE = 10;
/** Instances per BatchInstanceRequest (and per service) in the gRPC step. */
const GRPC_BATCH = 100;
/** Instances per service before the first snapshot: the services exist and the server's code is compiled. */
const WARM_UP_PER_SERVICE = 5;
/** The journal's bound on this server: small, so the journal (a bounded, fixed cost) stays out of the figures. */
const JOURNAL_EVENTS = 1_000;

/**
 * memory: live heap per ephemeral instance, from heap snapshots of a server of its own (probes off, the default
 * timeouts raised by flag so no instance needs beats, the journal bounded at 1,000 events). Five instances in each of
 * `memoryServices` services, so the services exist and the code is compiled; snapshot; N/10 instances in those services with the two-key
 * metadata and the two `preserved.*` timeout keys (four keys: what a beat-free client sends); snapshot; N more with
 * the two-key metadata alone; snapshot; N/10 more with the two-key metadata, registered over gRPC in batches of 100
 * (each batch a service of its own) and held by their connections; snapshot. Each step's growth divided by its instances is the live bytes per instance,
 * attributed by kind (see heap-snapshot.mjs).
 */
export async function memoryScenario({ settings, pool }) {
  const n = settings.memoryInstances;
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-heap-'));
  const grpcPort = await freePort();
  const server = await startServer({
    nodeFlags: [...settings.serverNodeFlags, ...snapshotFlags(dir)],
    serverArgs: ['--health-check-enabled', 'false', '--grpc-port', String(grpcPort), '--beat-timeout-ms', '3600000', '--delete-timeout-ms', '3600000', '--journal-max-events', String(JOURNAL_EVENTS), ...settings.serverArgs],
  });
  const sampler = new ProcSampler(server.pid);
  // Writing a snapshot blocks the server for seconds: a request refused or timed out meanwhile is sent again.
  const answered = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await (await fetch(`http://127.0.0.1:${server.port}${listPath('bench-memory-probe')}`)).arrayBuffer();
        return;
      } catch (error) {
        if (attempt >= 30) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  };
  const register = async (from, count, metadata) => {
    const lanes = Math.max(1, Math.ceil(settings.connections / settings.workers));
    const results = await pool.runAll(
      ranges(count, settings.workers).map(([a, b]) => ({ task: 'register', port: server.port, from: from + a, to: from + b, services: settings.memoryServices, lanes, maxMs: 120_000, servicePrefix: 'mem-', metadata })),
      150_000,
    );
    const failed = results.reduce((a, r) => a + r.failed, 0);
    if (failed > 0) throw new Error(`memory: ${failed} registrations failed: ${results.find((r) => r.firstError)?.firstError}`);
    return (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
  };
  // gRPC: instances [from, from + count) in BatchInstanceRequests of GRPC_BATCH, each batch a service of its own; the
  // connections stay open (they hold the instances) until the scenario ends.
  const registerOverGrpc = async (from, count, metadata) => {
    const done = await registerInBatches({ settings, pool }, grpcPort, { from, count, batchSize: GRPC_BATCH, prefix: 'mem-grpc-', metadata, timeoutMs: 150_000 });
    if (done.failed > 0) throw new Error(`memory: ${done.failed} gRPC registrations failed: ${done.firstError}`);
  };
  try {
    const warm = WARM_UP_PER_SERVICE * settings.memoryServices;
    await register(0, warm, TWO_KEYS);
    const base = await takeSnapshot(server.pid, dir, answered);
    const few = Math.ceil(n / FOUR_KEY_SHARE);
    const raisedSeconds = await register(warm, few, { ...TWO_KEYS, ...RAISED_TIMEOUTS });
    const raised = await takeSnapshot(server.pid, dir, answered);
    const raisedRssMb = sampler.sample();
    const plainSeconds = await register(warm + few, n, TWO_KEYS);
    const plain = await takeSnapshot(server.pid, dir, answered);
    const plainRssMb = sampler.sample();
    await registerOverGrpc(warm + few + n, few, TWO_KEYS);
    const held = await takeSnapshot(server.pid, dir, answered);
    return {
      scenario: 'memory',
      instances: n,
      services: settings.memoryServices,
      baseHeapMb: round(base.totalBytes / 2 ** 20),
      fourKeys: { instances: few, ...perUnit(base, raised, few), heapMb: round(raised.totalBytes / 2 ** 20), rssMb: raisedRssMb, registerSeconds: round(raisedSeconds) },
      twoKeys: { instances: n, ...perUnit(raised, plain, n), heapMb: round(plain.totalBytes / 2 ** 20), rssMb: plainRssMb, registerSeconds: round(plainSeconds) },
      // Includes one service per batch (GRPC_BATCH instances) and the connections' own state (32 connections).
      grpcTwoKeys: { instances: few, batchSize: GRPC_BATCH, ...perUnit(plain, held, few), heapMb: round(held.totalBytes / 2 ** 20) },
    };
  } finally {
    await pool.askAll({ task: 'grpc-close-all' }, 'grpc-closed', 60_000).catch(() => {});
    sampler.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
