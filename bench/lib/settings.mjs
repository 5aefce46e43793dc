import { availableParallelism } from 'node:os';

function envInt(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got '${raw}'`);
  return v;
}

const SCENARIOS = ['list', 'register', 'durable', 'beats', 'probes', 'config', 'grpc-idle', 'grpc-registrations', 'grpc-fanout', 'auth-beats', 'reference', 'memory', 'cluster'];
/** Known but run only when BENCH_SCENARIOS names them (scale takes most of the machine's memory, soak half an hour). */
const OPTIONAL_SCENARIOS = ['scale', 'soak'];

/** The run's settings from `--quick` and BENCH_* environment variables; every loop below is bounded by them. */
export function resolveSettings(argv, env = process.env) {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')} (only --quick is accepted)`);
  const quick = argv.includes('--quick');
  const scenarios = (env.BENCH_SCENARIOS ?? SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = [...SCENARIOS, ...OPTIONAL_SCENARIOS];
  for (const s of scenarios) if (!known.includes(s)) throw new Error(`BENCH_SCENARIOS: unknown scenario '${s}' (known: ${known.join(', ')})`);
  // A run with other sizes or scenarios than its mode's defaults is labelled 'custom', so its file is not mistaken for one.
  const sized = [
    'BENCH_SCENARIOS',
    'BENCH_SERVER_ARGS',
    'BENCH_SERVER_NODE_FLAGS',
    'BENCH_SERVICES',
    'BENCH_REGISTER_INSTANCES',
    'BENCH_DURABLE_INSTANCES',
    'BENCH_PROBE_INSTANCES',
    'BENCH_BEAT_INSTANCES',
    'BENCH_CONFIG_PUBLISHES',
    'BENCH_CONFIG_LISTENERS',
    'BENCH_GRPC_IDLE_CONNECTIONS',
    'BENCH_GRPC_IDLE_MS',
    'BENCH_GRPC_REGISTER_INSTANCES',
    'BENCH_GRPC_CONNECTIONS',
    'BENCH_GRPC_PIPELINE',
    'BENCH_GRPC_BATCH_SIZE',
    'BENCH_GRPC_SUBSCRIBERS',
    'BENCH_AUTH_INSTANCES',
    'BENCH_AUTH_ROUNDS',
    'BENCH_AUTH_PAIRS',
    'BENCH_REF_INSTANCES',
    'BENCH_REF_BEAT_RATE',
    'BENCH_REF_ROUNDS',
    'BENCH_REF_SELF',
    'BENCH_MEMORY_INSTANCES',
    'BENCH_SCALE_INSTANCES',
    'BENCH_SCALE_SERVICES',
    'BENCH_SCALE_NODE_FLAGS',
    'BENCH_SOAK_INSTANCES',
    'BENCH_SOAK_LOAD',
    'BENCH_CLUSTER_INSTANCES',
    'BENCH_CLUSTER_BEAT_SECONDS',
    'BENCH_CLUSTER_KILLS',
  ].some((k) => env[k] !== undefined && env[k] !== '');
  return Object.freeze({
    quick,
    label: sized ? 'custom' : quick ? 'quick' : 'full',
    scenarios,
    services: envInt('BENCH_SERVICES', 100, 1, 10_000),
    registerInstances: envInt('BENCH_REGISTER_INSTANCES', quick ? 2_000 : 10_000, 1, 1_000_000),
    durableInstances: envInt('BENCH_DURABLE_INSTANCES', quick ? 1_000 : 10_000, 1, 1_000_000),
    probeInstances: envInt('BENCH_PROBE_INSTANCES', quick ? 1_000 : 10_000, 1, 60_000),
    probeSeconds: envInt('BENCH_PROBE_SECONDS', quick ? 5 : 20, 1, 600),
    probeWarmupMs: quick ? 5_500 : 6_000,
    beatInstances: envInt('BENCH_BEAT_INSTANCES', quick ? 2_000 : 100_000, 1, 1_000_000),
    beatSeconds: envInt('BENCH_BEAT_SECONDS', quick ? 10 : 60, 1, 3_600),
    beatIntervalMs: 5_000, // the server's default clientBeatInterval
    beatTimeoutMs: 15_000, // the server's default: unhealthy after this long without a beat
    listInstances: 100,
    listSeconds: envInt('BENCH_LIST_SECONDS', quick ? 3 : 10, 1, 600),
    configPublishes: envInt('BENCH_CONFIG_PUBLISHES', quick ? 1_000 : 10_000, 1, 1_000_000),
    configGetSeconds: envInt('BENCH_CONFIG_GET_SECONDS', quick ? 3 : 10, 1, 600),
    configListeners: envInt('BENCH_CONFIG_LISTENERS', quick ? 500 : 5_000, 1, 15_000),
    // Time for the server to accept every listener's connection and park its poll before the publish.
    configSettleMs: quick ? 1_500 : 3_000,
    // gRPC (each scenario on a server of its own): connections held idle, each with one instance, and the server's
    // --grpc-idle-ms, after which each is sent a liveness check; registrations over `grpcConnections` connections with
    // `grpcPipeline` requests in flight on each; subscribers on their own connections timed over `grpcFanoutRounds` pushes.
    grpcIdleConnections: envInt('BENCH_GRPC_IDLE_CONNECTIONS', quick ? 1_000 : 10_000, 1, 30_000),
    grpcIdleMs: envInt('BENCH_GRPC_IDLE_MS', quick ? 8_000 : 20_000, 5_000, 600_000),
    grpcRegisterInstances: envInt('BENCH_GRPC_REGISTER_INSTANCES', quick ? 5_000 : 50_000, 1, 1_000_000),
    grpcConnections: envInt('BENCH_GRPC_CONNECTIONS', 32, 1, 4_096),
    grpcPipeline: envInt('BENCH_GRPC_PIPELINE', 8, 1, 1_000),
    grpcBatchSize: envInt('BENCH_GRPC_BATCH_SIZE', 100, 1, 10_000),
    grpcSubscribers: envInt('BENCH_GRPC_SUBSCRIBERS', quick ? 200 : 1_000, 1, 15_000),
    grpcFanoutRounds: envInt('BENCH_GRPC_FANOUT_ROUNDS', quick ? 5 : 20, 1, 200),
    // Connections are spread over the source addresses 127.0.0.1..n, so 10,000 of them never run short of ports.
    grpcSourceAddresses: envInt('BENCH_GRPC_SOURCE_ADDRESSES', 8, 1, 254),
    // auth-beats (two servers of their own): instances beaten in turns with auth off, with raw credentials and with a
    // token, `authRounds` windows of `authSeconds` each after one untimed `authWarmupSeconds` turn; `authLogins` timed
    // logins. Many short turns rather than a few long ones: load from other processes then falls on every mode alike.
    authInstances: envInt('BENCH_AUTH_INSTANCES', quick ? 2_000 : 10_000, 1, 1_000_000),
    authSeconds: envInt('BENCH_AUTH_SECONDS', quick ? 2 : 3, 1, 600),
    authWarmupSeconds: quick ? 1 : 2,
    authRounds: envInt('BENCH_AUTH_ROUNDS', quick ? 3 : 10, 1, 100),
    // The rounds are shared among this many pairs of fresh servers (one process's JIT and heap state can cost more
    // per beat than the credential check does).
    authPairs: envInt('BENCH_AUTH_PAIRS', quick ? 1 : 3, 1, 20),
    authLogins: envInt('BENCH_AUTH_LOGINS', quick ? 10 : 50, 1, 10_000),
    // reference (a bare node:http reference server and a Cairn server of its own): `refInstances` registered in
    // `refRounds` alternating turns, then beaten at `refBeatRate`/s (both servers at once) in `refRounds` turns of `refBeatSeconds`,
    // then list queries in turns of `refListSeconds`. `refSelf` puts a second reference in Cairn's place (ratios ≈ 1).
    refInstances: envInt('BENCH_REF_INSTANCES', quick ? 2_000 : 10_000, 1, 1_000_000),
    refBeatRate: envInt('BENCH_REF_BEAT_RATE', 2_000, 1, 1_000_000),
    refRounds: envInt('BENCH_REF_ROUNDS', quick ? 2 : 6, 1, 100),
    refBeatSeconds: envInt('BENCH_REF_BEAT_SECONDS', quick ? 2 : 5, 1, 600),
    refListSeconds: envInt('BENCH_REF_LIST_SECONDS', quick ? 1 : 2, 1, 600),
    refSelf: env.BENCH_REF_SELF === '1',
    // memory (a server of its own): instances registered twice over (two-key metadata, then with the timeout keys
    // too), with a heap snapshot before and after each step.
    memoryInstances: envInt('BENCH_MEMORY_INSTANCES', quick ? 10_000 : 100_000, 1_000, 1_000_000),
    memoryServices: 1_000,
    // scale (only when named in BENCH_SCENARIOS; a server of its own): ephemeral instances registered in gRPC batches
    // over `scaleServices` services, held, listed, pushed, and re-registered after a restart of the server.
    scaleInstances: envInt('BENCH_SCALE_INSTANCES', 1_000_000, 1_000, 2_000_000),
    scaleServices: envInt('BENCH_SCALE_SERVICES', 10_000, 10, 100_000),
    // The young generation's floor: V8 shrinks it to 1 MB after an idle spell, and then each scavenge, which walks every
    // page of the million instances' old generation (about 2.5 ms), meets one list in 90 (docs/benchmarks.md).
    scaleNodeFlags: (env.BENCH_SCALE_NODE_FLAGS ?? '--max-old-space-size=1536 --min-semi-space-size=16').split(/\s+/).filter(Boolean),
    // soak (run only when named): `soakInstances` ephemeral instances beating every 5 s, and every other kind of traffic
    // at `soakLoadPct` % of the rates in bench/scenarios/soak.mjs, for `soakMinutes`, sampled every `soakSampleSeconds`.
    soakMinutes: envInt('BENCH_SOAK_MINUTES', 30, 1, 1_440),
    soakSampleSeconds: envInt('BENCH_SOAK_SAMPLE_SECONDS', 10, 1, 600),
    soakInstances: envInt('BENCH_SOAK_INSTANCES', 5_000, 1, 100_000),
    soakLoadPct: envInt('BENCH_SOAK_LOAD', 100, 1, 1_000),
    // cluster (three nodes of its own on a PostgreSQL database it creates through `clusterPgUrl` and drops): instances
    // registered and beaten every 5 s, a block per node, for `clusterBeatSeconds`; at least `clusterProbes` instance
    // visibility probes (more while the beats last); `clusterConfigRounds` config publishes seen by long polls on the
    // other nodes; `clusterKills` SIGKILLs of a node, each timed until the survivors list it DOWN.
    clusterInstances: envInt('BENCH_CLUSTER_INSTANCES', quick ? 1_500 : 6_000, 3, 300_000),
    clusterBeatSeconds: envInt('BENCH_CLUSTER_BEAT_SECONDS', quick ? 8 : 20, 1, 600),
    clusterProbes: envInt('BENCH_CLUSTER_PROBES', quick ? 15 : 60, 1, 2_000),
    clusterConfigRounds: envInt('BENCH_CLUSTER_CONFIG_ROUNDS', quick ? 6 : 20, 1, 1_000),
    clusterKills: envInt('BENCH_CLUSTER_KILLS', quick ? 1 : 3, 0, 20),
    clusterPgUrl: env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    workers: envInt('BENCH_WORKERS', Math.max(2, availableParallelism()), 1, 64),
    connections: envInt('BENCH_CONNECTIONS', 64, 1, 4_096),
    censusEveryMs: 5_000,
    cpuProfile: env.BENCH_CPU_PROF === '1',
    // Extra `cairn start` flags, e.g. `--journal-max-events 1000`, to see what a setting costs.
    serverArgs: (env.BENCH_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean),
    // Node flags of the server process. The default heap limit is the one docs/operations.md recommends for a
    // registry of this size: with a limit V8 collects sooner and RSS stays near the live data. Empty = Node's default.
    serverNodeFlags: (env.BENCH_SERVER_NODE_FLAGS ?? '--max-old-space-size=384').split(/\s+/).filter(Boolean),
    // A hard cap on the whole run, so a stuck server or generator never hangs a terminal or CI job.
    // A soak run's default cap is its length plus 15 minutes.
    maxRunMs: envInt('BENCH_MAX_SECONDS', (quick ? 180 : 900) + (scenarios.includes('soak') ? envInt('BENCH_SOAK_MINUTES', 30, 1, 1_440) * 60 : 0), 10, 90_000) * 1000,
  });
}
