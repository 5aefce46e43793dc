// `npm run bench` (full) or `node bench/run.mjs --quick` (smoke run, under a minute).
// Starts a Cairn server as a child process on 127.0.0.1, forks load-generator processes, runs the scenarios
// (list queries, registrations, sustained beats), samples the server's RSS and CPU from /proc, prints a table
// with pass/fail against the targets and writes the figures to bench/results/<mode>-<time>.json.
import { Target } from './lib/http-client.mjs';
import { describeMachine } from './lib/machine.mjs';
import { ProcSampler } from './lib/proc-sampler.mjs';
import { printReport, verdicts, writeResults } from './lib/report.mjs';
import { startServer } from './lib/server-process.mjs';
import { resolveSettings } from './lib/settings.mjs';
import { WorkerPool } from './lib/worker-pool.mjs';
import { listQueries } from './scenarios/list-queries.mjs';
import { registrations } from './scenarios/registrations.mjs';
import { probeScheduler } from './scenarios/probe-scheduler.mjs';
import { sustainedBeats } from './scenarios/sustained-beats.mjs';
import { configScenario } from './scenarios/config.mjs';
import { grpcFanout, grpcIdle, grpcRegistrations } from './scenarios/grpc.mjs';
import { authBeats } from './scenarios/auth-beats.mjs';
import { referenceScenario } from './scenarios/reference.mjs';
import { memoryScenario } from './scenarios/memory.mjs';
import { scaleScenario } from './scenarios/scale.mjs';
import { soak } from './scenarios/soak.mjs';
import { clusterScenario } from './scenarios/cluster.mjs';
import { fileURLToPath } from 'node:url';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const settings = resolveSettings(process.argv.slice(2));
  const run = { startedAt: new Date().toISOString(), settings, machine: describeMachine(), results: {}, verdicts: [] };
  const profileDir = fileURLToPath(new URL('./results/profiles/', import.meta.url));
  const nodeFlags = [...settings.serverNodeFlags, ...(settings.cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])];
  console.log(`bench: ${settings.label} run, scenarios ${settings.scenarios.join(', ')}, ${settings.workers} generator processes, ${settings.connections} connections, server node flags: ${settings.serverNodeFlags.join(' ') || '(none)'}`);

  // Probes stay off on this server: the scenarios register persistent instances at made-up addresses, which the
  // server must never dial. The probe scenario runs its own server, whose instances are all loopback addresses.
  const server = await startServer({ nodeFlags, serverArgs: ['--health-check-enabled', 'false', ...settings.serverArgs] });
  const pool = new WorkerPool(settings.workers);
  const sampler = new ProcSampler(server.pid);
  sampler.setGenerators(pool.pids);
  const target = new Target(server.port, 4);
  const cleanup = async () => {
    pool.close();
    target.close();
    sampler.stop();
    await server.stop();
  };
  process.once('exit', () => {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, () => {
      void cleanup().finally(() => process.exit(130));
    });
  const watchdog = setTimeout(() => {
    console.error(`bench: gave up after ${settings.maxRunMs / 1000} s (BENCH_MAX_SECONDS)`);
    void cleanup().finally(() => process.exit(2));
  }, settings.maxRunMs);

  try {
    console.log(`bench: server pid ${server.pid} on 127.0.0.1:${server.port}`);
    sampler.begin('idle');
    await sleep(1000);
    run.idle = sampler.end();
    const ctx = { settings, pool, sampler, target };
    // Probes first (their own server), then the main server's scenarios; beats right after registration, so the
    // registered instances start beating before they would expire.
    if (settings.scenarios.includes('probes')) {
      console.log(`bench: ${settings.probeInstances} persistent instances probed by TCP every 5 s, ${settings.probeSeconds} s window…`);
      run.results.probes = await probeScheduler({ ...ctx, nodeFlags });
    }
    // The gRPC scenarios run on servers of their own, before the main server holds the beat scenario's instances.
    if (settings.scenarios.includes('grpc-idle')) {
      console.log(`bench: grpc-idle: ${settings.grpcIdleConnections} connections holding one instance each, --grpc-idle-ms ${settings.grpcIdleMs}…`);
      run.results.grpcIdle = await grpcIdle({ ...ctx, nodeFlags });
    }
    if (settings.scenarios.includes('grpc-registrations')) {
      console.log(`bench: grpc-registrations: ${settings.grpcRegisterInstances} instances unary, then in batches of ${settings.grpcBatchSize}…`);
      run.results.grpcRegistrations = await grpcRegistrations({ ...ctx, nodeFlags });
    }
    if (settings.scenarios.includes('grpc-fanout')) {
      console.log(`bench: grpc-fanout: ${settings.grpcSubscribers} subscribers, ${settings.grpcFanoutRounds} rounds…`);
      run.results.grpcFanout = await grpcFanout({ ...ctx, nodeFlags });
    }
    // Auth on the beat path: two servers of their own (auth on, auth off), measured in turns.
    if (settings.scenarios.includes('auth-beats')) {
      console.log(`bench: auth-beats: ${settings.authInstances} instances beaten with auth off / on (username+password) / on (token), ${settings.authRounds} rounds of ${settings.authSeconds} s each…`);
      run.results.authBeats = await authBeats({ ...ctx, nodeFlags });
    }
    // Cairn against the bare node:http reference server: two servers of their own, measured in alternating turns.
    if (settings.scenarios.includes('reference')) {
      console.log(`bench: reference: ${settings.refInstances} registrations, beats at ${settings.refBeatRate}/s, list queries, on a bare node:http server and on Cairn, ${settings.refRounds} alternating rounds…`);
      run.results.reference = await referenceScenario({ ...ctx, nodeFlags });
    }
    if (settings.scenarios.includes('memory')) {
      console.log(`bench: memory: heap snapshots around ephemeral instances: a tenth of ${settings.memoryInstances} with two metadata keys and the timeout keys, ${settings.memoryInstances} with two keys, a tenth over gRPC…`);
      run.results.memory = await memoryScenario(ctx);
    }
    // Three cluster nodes of their own on a PostgreSQL database the scenario creates and drops (skipped without one).
    if (settings.scenarios.includes('cluster')) {
      console.log(
        `bench: cluster: 3 nodes on PostgreSQL (${settings.clusterPgUrl.replace(/\/\/[^@/]*@/, '//…@')}), ${settings.clusterInstances} instances beating for ${settings.clusterBeatSeconds} s, visibility probes, ${settings.clusterConfigRounds} config rounds, ${settings.clusterKills} SIGKILLs…`,
      );
      run.results.cluster = await clusterScenario({ ...ctx, nodeFlags });
    }
    if (settings.scenarios.includes('scale')) {
      console.log(`bench: scale: ${settings.scaleInstances} ephemeral instances over ${settings.scaleServices} services in gRPC batches, server node flags ${settings.scaleNodeFlags.join(' ')}…`);
      run.results.scale = await scaleScenario(ctx);
    }
    // Soak (only when named in BENCH_SCENARIOS): a server of its own under mixed traffic for BENCH_SOAK_MINUTES.
    if (settings.scenarios.includes('soak')) {
      console.log(`bench: soak: ${settings.soakMinutes} min of mixed traffic at ${settings.soakLoadPct} % (${settings.soakInstances} instances beating), sampled every ${settings.soakSampleSeconds} s…`);
      run.results.soak = await soak({ ...ctx, nodeFlags });
    }
    if (settings.scenarios.includes('durable')) {
      console.log(`bench: registering ${settings.durableInstances} persistent instances (durable on SQLite)…`);
      run.results.durable = await registrations(ctx, true);
    }
    if (settings.scenarios.includes('config')) {
      console.log(`bench: config: ${settings.configPublishes} publishes, gets for ${settings.configGetSeconds} s, ${settings.configListeners} held listeners…`);
      run.results.config = await configScenario(ctx);
    }
    if (settings.scenarios.includes('list')) {
      console.log(`bench: list queries for ${settings.listSeconds} s…`);
      run.results.list = await listQueries(ctx);
    }
    let preRegistered = 0;
    if (settings.scenarios.includes('register')) {
      console.log(`bench: registering ${settings.registerInstances} instances…`);
      run.results.register = await registrations(ctx);
      preRegistered = settings.registerInstances;
    }
    if (settings.scenarios.includes('beats')) {
      console.log(`bench: ${settings.beatInstances} beating instances, ${settings.beatSeconds} s window…`);
      run.results.beats = await sustainedBeats({ ...ctx, preRegistered });
    }
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
  run.verdicts = verdicts(run.results, settings);
  printReport(run);
  console.log(`\nbench: results written to ${writeResults(run)}`);
  if (settings.cpuProfile) console.log(`bench: server CPU profile in ${profileDir}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
