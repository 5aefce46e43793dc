import { loadavg } from 'node:os';
import { cpuTicks, machineTicks, rssMb, TICKS_PER_SECOND } from '../lib/proc-sampler.mjs';
import { freePort, startServer } from '../lib/server-process.mjs';
import { SOAK_KINDS } from '../lib/soak-tasks.mjs';
import { ranges } from '../lib/worker-pool.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The traffic mix at BENCH_SOAK_LOAD=100, in total over all generator processes. Sized so that the server uses
 * roughly a third of one core: a soak looks for what grows over time, not for the limit.
 */
export const SOAK_MIX = {
  churnPerSecond: 20, // registrations/s, and as many deregistrations/s, each instance gone 10 s after it came
  churnLifetimeMs: 10_000,
  churnServices: 20, // services the even churned instances join (and the subscribers watch)
  churnPerService: 10, // odd churned instances fill new services this many at a time
  listPerSecond: 100,
  udpServicesPerProcess: 20, // each generator process is one UDP subscriber of this many services
  udpRefreshSeconds: 10, // how often it repeats each list query (the 1.x client refreshes about as often)
  grpcSubscribersPerProcess: 10, // gRPC connections, each subscribed to one churned service
  configGetsPerSecond: 50,
  configPublishesPerSecond: 5, // three in four a new version of an existing config, one a new config
  configsPerProcess: 10,
  newConfigLifetimeMs: 60_000, // each new config is deleted a minute after it was published
  listenersPerProcess: 50, // long polls held on the configs being republished
  services: 50, // services the beating fleet is spread over
  maxInFlight: 32, // per kind and process
};

/**
 * The soak server's journal cap. The mix records some 70 journal events a second, so the default ring (100,000)
 * would still be filling, by design, at the end of a 30-minute soak; at 5,000 it is full after about a minute.
 */
const SOAK_JOURNAL_EVENTS = 5_000;

const PROMETHEUS_PATH = '/nacos/actuator/prometheus';

/** The value of one unlabelled Prometheus sample, or null. */
function metric(text, name) {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+(\\S+)`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

async function scrape(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${PROMETHEUS_PATH}`, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    if (res.status !== 200) return null;
    const mb = (v) => (v === null ? null : Math.round((v / 2 ** 20) * 10) / 10);
    const msOf = (v) => (v === null ? null : Math.round(v * 1e4) / 10);
    return {
      heapUsedMb: mb(metric(text, 'nodejs_heap_size_used_bytes')),
      heapTotalMb: mb(metric(text, 'nodejs_heap_size_total_bytes')),
      externalMb: mb(metric(text, 'nodejs_external_memory_bytes')),
      loopP99Ms: msOf(metric(text, 'nodejs_eventloop_lag_p99_seconds')),
      loopMeanMs: msOf(metric(text, 'nodejs_eventloop_lag_mean_seconds')),
      loopMaxMs: msOf(metric(text, 'nodejs_eventloop_lag_max_seconds')),
      handles: metric(text, 'nodejs_active_handles_total'),
    };
  } catch {
    return null;
  }
}

const sum = (reports, pick) => reports.reduce((a, r) => a + pick(r), 0);

/**
 * Soak: a server of its own (probes off, gRPC on a free port) under a steady mix of every kind of traffic for
 * BENCH_SOAK_MINUTES, sampled every BENCH_SOAK_SAMPLE_SECONDS: RSS, heap used and event-loop delay, server CPU,
 * requests and errors per kind.
 */
export async function soak({ settings, pool, nodeFlags }) {
  const grpcPort = await freePort();
  const server = await startServer({ nodeFlags, serverArgs: ['--health-check-enabled', 'false', '--grpc-port', String(grpcPort), '--journal-max-events', String(SOAK_JOURNAL_EVENTS), ...settings.serverArgs] });
  console.log(`bench: soak server pid ${server.pid} on 127.0.0.1:${server.port}, gRPC ${grpcPort}`);
  try {
    return await soakOn(settings, pool, server.port, grpcPort, server.pid);
  } finally {
    await server.stop(30_000);
  }
}

async function soakOn(settings, pool, port, grpcPort, serverPid) {
  const scale = settings.soakLoadPct / 100;
  const workers = settings.workers;
  const per = (total) => (total * scale) / workers;
  const tasks = ranges(settings.soakInstances, workers).map(([from, to], index) => ({
    task: 'soak',
    port,
    grpcPort,
    index,
    workers,
    from,
    to,
    lanes: Math.max(4, Math.ceil(settings.connections / workers)),
    intervalMs: settings.beatIntervalMs,
    services: SOAK_MIX.services,
    churnPerSecond: per(SOAK_MIX.churnPerSecond),
    churnLifetimeMs: SOAK_MIX.churnLifetimeMs,
    churnServices: SOAK_MIX.churnServices,
    churnPerService: SOAK_MIX.churnPerService,
    listPerSecond: per(SOAK_MIX.listPerSecond),
    udpServices: SOAK_MIX.udpServicesPerProcess,
    udpRefreshSeconds: SOAK_MIX.udpRefreshSeconds,
    grpcSubscribers: SOAK_MIX.grpcSubscribersPerProcess,
    configGetsPerSecond: per(SOAK_MIX.configGetsPerSecond),
    configPublishesPerSecond: per(SOAK_MIX.configPublishesPerSecond),
    configs: SOAK_MIX.configsPerProcess,
    newConfigLifetimeMs: SOAK_MIX.newConfigLifetimeMs,
    listeners: SOAK_MIX.listenersPerProcess,
    maxInFlight: SOAK_MIX.maxInFlight,
  }));
  await pool.runAll(tasks, 120_000, 'soak-ready');
  const startedAt = Date.now();
  const endAt = startedAt + settings.soakMinutes * 60_000;
  const everyMs = settings.soakSampleSeconds * 1000;
  const samples = [];
  let prev = { at: startedAt, ticks: cpuTicks(serverPid) ?? 0, machine: machineTicks(), reports: null };
  let scrapeFailures = 0;
  await scrape(port); // resets the server's event-loop histogram: the first sample covers only the run
  let printedMinute = 0;
  for (let due = startedAt + everyMs; due <= endAt; due += everyMs) {
    await sleep(Math.max(0, due - Date.now()));
    const at = Date.now();
    const ticks = cpuTicks(serverPid) ?? prev.ticks;
    const machine = machineTicks();
    const [prom, reports] = await Promise.all([scrape(port), pool.askAll({ task: 'soak-report' }, 'soak-report', 10_000)]);
    if (!prom) scrapeFailures++;
    const seconds = (at - prev.at) / 1000;
    const rate = {};
    const errors = {};
    for (const kind of SOAK_KINDS) {
      const before = prev.reports ? sum(prev.reports, (r) => r.counts[kind].ok) : 0;
      rate[kind] = Math.round(((sum(reports, (r) => r.counts[kind].ok) - before) / seconds) * 10) / 10;
      errors[kind] = sum(reports, (r) => r.counts[kind].failed) - (prev.reports ? sum(prev.reports, (r) => r.counts[kind].failed) : 0);
    }
    const sample = {
      t: Math.round((at - startedAt) / 1000),
      rssMb: rssMb(serverPid) ?? null,
      ...(prom ?? {}),
      cpuPct: Math.round(((ticks - prev.ticks) / TICKS_PER_SECOND / seconds) * 1000) / 10,
      // The whole machine's busy share (all CPUs, any process) and load average: a starved server shows event-loop delay it did not cause.
      machineBusyPct: Math.round(((machine.busy - prev.machine.busy) / Math.max(1, machine.total - prev.machine.total)) * 1000) / 10,
      loadAverage: Math.round(loadavg()[0] * 10) / 10,
      rate,
      errors,
      behind: sum(reports, (r) => r.behind) - (prev.reports ? sum(prev.reports, (r) => r.behind) : 0),
      beatsSkipped: sum(reports, (r) => r.beatsSkipped) - (prev.reports ? sum(prev.reports, (r) => r.beatsSkipped) : 0),
      grpcClosed: sum(reports, (r) => r.grpcClosed),
    };
    if (sample.rssMb !== null) sample.rssMb = Math.round(sample.rssMb * 10) / 10;
    samples.push(sample);
    prev = { at, ticks, machine, reports };
    const minute = Math.floor(sample.t / 60);
    if (minute > printedMinute || due + everyMs > endAt) {
      printedMinute = minute;
      console.log(timelineLine(samples.filter((s) => s.t > sample.t - Math.max(60, settings.soakSampleSeconds))));
    }
  }
  const final = await pool.askAll({ task: 'soak-stop' }, 'soak-stopped', 30_000);
  const firstErrors = {};
  for (const r of final) for (const [kind, e] of Object.entries(r.firstErrors)) firstErrors[kind] ??= e;
  const totals = Object.fromEntries(SOAK_KINDS.map((k) => [k, { ok: sum(final, (r) => r.counts[k].ok), failed: sum(final, (r) => r.counts[k].failed) }]));
  return {
    scenario: 'soak',
    minutes: settings.soakMinutes,
    sampleSeconds: settings.soakSampleSeconds,
    instances: settings.soakInstances,
    loadPct: settings.soakLoadPct,
    mix: SOAK_MIX,
    totals,
    errors: Object.values(totals).reduce((a, t) => a + t.failed, 0),
    firstErrors,
    behind: sum(final, (r) => r.behind),
    beatsSkipped: sum(final, (r) => r.beatsSkipped),
    grpcClosed: sum(final, (r) => r.grpcClosed),
    scrapeFailures,
    samples,
  };
}

/** One timeline line over `window` (the samples of the last minute): memory at its end, worst delay, mean rates. */
function timelineLine(window) {
  const last = window.at(-1);
  const mean = (pick) => Math.round(window.reduce((a, s) => a + pick(s), 0) / window.length);
  const max = (pick) => Math.max(...window.map((s) => pick(s) ?? 0));
  const errs = window.reduce((a, s) => a + Object.values(s.errors).reduce((x, y) => x + y, 0), 0);
  const r = (kind) => mean((s) => s.rate[kind]);
  const mm = String(Math.floor(last.t / 60)).padStart(3);
  const ss = String(last.t % 60).padStart(2, '0');
  return (
    `soak ${mm}:${ss}  RSS ${last.rssMb} MB  heap ${last.heapUsedMb ?? '-'} MB  loop p99 ${max((s) => s.loopP99Ms)} ms (mean ${last.loopMeanMs ?? '-'})  CPU ${mean((s) => s.cpuPct)} % (machine ${mean((s) => s.machineBusyPct)} %, load ${last.loadAverage})  `
    + `/s: beat ${r('beat')} reg ${r('register')} dereg ${r('deregister')} list ${r('list')} udp-sub ${r('udpSubscribe')} push udp ${r('udpPush')} grpc ${r('grpcPush')} `
    + `cfg get ${r('configGet')} pub ${r('configPublish')} del ${r('configDelete')} notified ${r('configNotify')}  errors ${errs}`
  );
}
