import { Histogram } from '../lib/histogram.mjs';
import { Target } from '../lib/http-client.mjs';
import { ipOf, LIST_SERVICE, listPath, registerPath } from '../lib/instances.mjs';
import { cpuTicks, ProcSampler, TICKS_PER_SECOND } from '../lib/proc-sampler.mjs';
import { startServer } from '../lib/server-process.mjs';
import { ranges } from '../lib/worker-pool.mjs';
import { round } from './list-queries.mjs';

// As the main server (probes off), and nothing expires while a server rests during the other's turn: an expiry
// sweep would land in a later turn and be counted as the cost of its requests.
const KEEP_ALIVE = ['--health-check-enabled', 'false', '--beat-timeout-ms', '3600000', '--delete-timeout-ms', '3600000'];
// The list service's instances stay healthy without beats on both servers.
const KEEP = { bench: 'list', 'preserved.heart.beat.timeout': '3600000', 'preserved.ip.delete.timeout': '3600000' };

/**
 * Cairn against the bench's bare node:http reference server (bench/reference-server.mjs), both started for this
 * scenario with the same node flags and sent the same requests: `refInstances` registrations (untimed), beaten at a
 * fixed offered rate, to both at once, in `refRounds` turns; list queries of one 100-instance service as fast as the
 * connections allow, in alternating turns (each round starts with the server that went second in the one before);
 * then fresh registrations as fast as the connections allow, `refInstances / 2` per turn, in alternating turns. Per
 * turn each server's CPU comes from /proc ticks, so each phase yields Cairn's CPU per request ÷ the reference's, per
 * round and over all rounds; and the peak RSS of each holding the instances during the beat turns.
 */
export async function referenceScenario({ settings, pool, nodeFlags }) {
  // The same node flags on both, --cpu-prof included when asked for: a profiler's overhead then weighs on both sides.
  const ref = await startServer({ nodeFlags, reference: true });
  const cairn = settings.refSelf ? await startServer({ nodeFlags, reference: true }) : await startServer({ nodeFlags, serverArgs: [...KEEP_ALIVE, ...settings.serverArgs] });
  console.log(`bench: reference: reference pid ${ref.pid} (127.0.0.1:${ref.port}), ${settings.refSelf ? 'a second reference in Cairn’s place' : 'Cairn'} pid ${cairn.pid} (127.0.0.1:${cairn.port})`);
  const sides = [
    { name: 'reference', server: ref, beatsPerWorker: 0 },
    { name: 'cairn', server: cairn, beatsPerWorker: 0 },
  ];
  for (const side of sides) {
    side.sampler = new ProcSampler(side.server.pid);
    side.sampler.setGenerators(pool.pids);
  }
  const ctx = { settings, pool };
  const startRss = Object.fromEntries(sides.map((s) => [s.name, Math.round(s.sampler.sample() ?? 0)]));
  try {
    const total = settings.refInstances;
    const registerTurn = (side, from, to, servicePrefix) => {
      const tasks = ranges(to - from, settings.workers).map(([a, b]) => ({ task: 'register', port: side.server.port, from: from + a, to: from + b, services: settings.services, servicePrefix, lanes: lanesOf(settings), maxMs: 120_000 }));
      return turn(ctx, side, tasks, 150_000);
    };
    // The beat fleet, untimed (it also warms the registration path up); the timed registrations come last.
    for (const side of sides) await registerTurn(side, 0, total, '');

    // Beats go to both servers at once, so every instance keeps its 5 s cadence on both (turns taken in alternation
    // would leave each instance silent during the other server's turns, and Cairn would journal each beat as late).
    // The warm-up beats every instance once: the first beat after the registration turns comes late on both.
    const beatMs = settings.refBeatSeconds * 1000;
    await beatTurn(ctx, sides, Math.ceil((settings.refInstances / settings.refBeatRate) * 1000));
    const beats = [];
    for (let r = 0; r < settings.refRounds; r++) beats.push(await beatTurn(ctx, sides, beatMs));
    const rss = Object.fromEntries(sides.map((s) => [s.name, { startMb: startRss[s.name], peakMb: Math.max(...beats.map((r) => r[s.name].peakRssMb)), afterMb: Math.round(s.sampler.sample() ?? 0) }]));
    // What each server spends with no request at all while holding the instances (timers, sweeps), as % of one core:
    // at the offered beat rate, a beat turn's CPU includes it.
    const restPct = {};
    for (const side of sides) restPct[side.name] = await rest(side, REST_MS);

    const list = { answerBytes: {} };
    for (const side of sides) list.answerBytes[side.name] = await setUpList(settings, side);
    const listMs = settings.refListSeconds * 1000;
    for (const side of sides) await listTurn(ctx, side, list.answerBytes[side.name], 1_000); // warm-up, untimed
    const lists = await alternate(sides, settings.refRounds, (side) => listTurn(ctx, side, list.answerBytes[side.name], listMs));

    // Fresh instances in services of their own (`reg-bench-svc-…`), half a fleet per turn: enough CPU ticks per turn
    // for a ratio, and the fleet stayed at `refInstances` while beaten and measured above.
    const per = Math.ceil(total / 2);
    const register = await alternate(sides, settings.refRounds, (side, r) => registerTurn(side, total + r * per, total + (r + 1) * per, 'reg-'));

    return {
      scenario: 'reference',
      cairnIsReference: settings.refSelf,
      instances: total,
      connections: lanesOf(settings) * settings.workers,
      rounds: settings.refRounds,
      beatRate: settings.refBeatRate,
      registeredPerTurn: per,
      register: compare(register),
      beats: compare(beats),
      list: { ...compare(lists), answerBytes: list.answerBytes },
      rss: { ...rss, ratio: round(rss.cairn.peakMb / Math.max(1, rss.reference.peakMb)) },
      restCpuPct: restPct,
    };
  } finally {
    for (const side of sides) side.sampler.stop();
    await Promise.all([ref.stop(), cairn.stop()]);
  }
}

const REST_MS = 2_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's CPU over `ms` without any request, as % of one core. */
async function rest(side, ms) {
  const ticks = cpuTicks(side.server.pid) ?? 0;
  const t0 = performance.now();
  await sleep(ms);
  return round((((cpuTicks(side.server.pid) ?? 0) - ticks) / TICKS_PER_SECOND / ((performance.now() - t0) / 1000)) * 100);
}

const lanesOf = (settings) => Math.max(1, Math.ceil(settings.connections / settings.workers));

/** `rounds` rounds of one turn per side; a round starts with the side that went second in the round before. */
async function alternate(sides, rounds, run) {
  const out = [];
  for (let r = 0; r < rounds; r++) {
    const result = {};
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) result[side.name] = await run(side, r);
    out.push(result);
  }
  return out;
}

/** One timed turn of one side: the workers' tasks against its server. */
async function turn({ pool }, side, tasks, timeoutMs) {
  return (await measured([side], async () => [await pool.runAll(tasks, timeoutMs)]))[side.name];
}

/** Beats at the offered rate to both sides at once; each turn goes on round-robin where the previous one stopped. */
async function beatTurn({ settings, pool }, sides, durationMs) {
  const perSecond = settings.refBeatRate / settings.workers;
  const ports = sides.map((s) => s.server.port);
  const tasks = ranges(settings.refInstances, settings.workers).map(([from, to]) => ({ task: 'rate-beat', ports, from, to, offset: sides[0].beatsPerWorker, services: settings.services, lanes: lanesOf(settings), durationMs, perSecond }));
  for (const side of sides) side.beatsPerWorker += Math.floor((perSecond * durationMs) / 1000);
  return measured(sides, async () => {
    const results = await pool.runAll(tasks, durationMs + 30_000);
    return sides.map((_, k) => results.map((r) => r.sides[k]));
  });
}

/**
 * Runs `work` (resolving to each side's worker results, in the order of `sides`) and returns per side: requests
 * answered, the server's CPU ticks and peak RSS over the run of `work`, and the merged latency.
 */
async function measured(sides, work) {
  const ticks = sides.map((side) => {
    side.sampler.begin(`reference ${side.name}`);
    return cpuTicks(side.server.pid) ?? 0;
  });
  const perSide = await work();
  return Object.fromEntries(
    sides.map((side, k) => {
      const cpuSeconds = ((cpuTicks(side.server.pid) ?? 0) - ticks[k]) / TICKS_PER_SECOND;
      const proc = side.sampler.end();
      const results = perSide[k];
      const merged = (key) => results.reduce((h, r) => (r[key] ? h.merge(Histogram.from(r[key])) : h), new Histogram()).toJSON();
      const turnResult = {
        ok: results.reduce((a, r) => a + r.ok, 0),
        failed: results.reduce((a, r) => a + r.failed, 0),
        firstError: results.find((r) => r.firstError)?.firstError ?? null,
        seconds: (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000,
        cpuSeconds,
        latency: merged('hist'),
        lateness: merged('lateness'),
        peakRssMb: proc.serverPeakRssMb,
        generatorCpuPct: proc.generatorCpuPct,
        machineBusyPct: proc.machineBusyPct,
      };
      return [side.name, turnResult];
    }),
  );
}

/** Registers the list service's 100 instances and checks the answer; resolves to its size in bytes. */
async function setUpList(settings, side) {
  const target = new Target(side.server.port, 1);
  try {
    for (let i = 0; i < settings.listInstances; i++) {
      const res = await target.request('POST', registerPath(LIST_SERVICE, ipOf(1_000_000 + i), 9000, KEEP), true);
      if (res.status !== 200) throw new Error(`reference: list setup on ${side.name}: register failed: HTTP ${res.status} ${res.body}`);
    }
    const answer = await target.request('GET', listPath(LIST_SERVICE), true);
    const hosts = JSON.parse(answer.body).hosts;
    if (hosts.length !== settings.listInstances || hosts.some((h) => h.healthy !== true)) throw new Error(`reference: list setup on ${side.name}: expected ${settings.listInstances} healthy hosts, got ${answer.body.slice(0, 200)}`);
    return answer.bytes;
  } finally {
    target.close();
  }
}

async function listTurn(ctx, side, answerBytes, durationMs) {
  const { settings, pool } = ctx;
  const task = { task: 'list', port: side.server.port, path: listPath(LIST_SERVICE), lanes: lanesOf(settings), durationMs, maxRequests: 50_000_000, minBytes: answerBytes - 64 };
  return turn(
    ctx,
    side,
    pool.workers.map(() => task),
    durationMs + 30_000,
  );
}

/** Each side's figures over all its turns, and Cairn ÷ reference of CPU per request: over all turns, and per round. */
function compare(rounds) {
  const sides = Object.fromEntries(['reference', 'cairn'].map((name) => [name, merge(rounds.map((r) => r[name]))]));
  const perRound = rounds.map((r) => (r.reference.cpuSeconds > 0 && r.reference.ok > 0 && r.cairn.ok > 0 ? round(usPer(r.cairn) / usPer(r.reference)) : null));
  const sorted = perRound.filter((v) => v !== null).sort((a, b) => a - b);
  return {
    ...sides,
    cpuRatio: round(sides.cairn.serverUsPerRequest / Math.max(0.01, sides.reference.serverUsPerRequest)),
    rateRatio: round(sides.cairn.perSecond / Math.max(1, sides.reference.perSecond)),
    perRoundUs: Object.fromEntries(['reference', 'cairn'].map((name) => [name, rounds.map((r) => round(usPer(r[name])))])),
    perRoundCpuRatio: perRound,
    perRoundCpuRatioStats: sorted.length ? { min: sorted[0], median: round((sorted[Math.floor((sorted.length - 1) / 2)] + sorted[Math.ceil((sorted.length - 1) / 2)]) / 2), max: sorted[sorted.length - 1] } : null,
  };
}

const usPer = (t) => (t.cpuSeconds * 1e6) / Math.max(1, t.ok);

function merge(turns) {
  const sum = (key) => turns.reduce((a, t) => a + t[key], 0);
  const seconds = sum('seconds');
  const weighted = (key) => round(turns.reduce((a, t) => a + t[key] * t.seconds, 0) / Math.max(0.001, seconds));
  return {
    ok: sum('ok'),
    failed: sum('failed'),
    firstError: turns.find((t) => t.firstError)?.firstError ?? null,
    seconds: round(seconds),
    perSecond: Math.round(sum('ok') / Math.max(0.001, seconds)),
    serverCpuSeconds: round(sum('cpuSeconds')),
    serverUsPerRequest: round((sum('cpuSeconds') * 1e6) / Math.max(1, sum('ok'))),
    serverCpuPct: round((sum('cpuSeconds') / Math.max(0.001, seconds)) * 100),
    latency: turns.reduce((h, t) => h.merge(Histogram.from(t.latency)), new Histogram()).summary(),
    lateness: turns.reduce((h, t) => h.merge(Histogram.from(t.lateness)), new Histogram()).summary(),
    peakRssMb: Math.max(...turns.map((t) => t.peakRssMb)),
    generatorCpuPct: weighted('generatorCpuPct'),
    machineBusyPct: weighted('machineBusyPct'),
  };
}
