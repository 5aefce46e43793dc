import { census, journalCounters } from '../lib/health-census.mjs';
import { Histogram } from '../lib/histogram.mjs';
import { ranges } from '../lib/worker-pool.mjs';
import { round } from './list-queries.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Scenario 2: N ephemeral instances beating every 5 s. Workers register whatever the registration scenario did
 * not, each instance starting to beat one interval after its registration; after one more interval of warm-up,
 * a window of `beatSeconds` is measured while the orchestrator counts unhealthy and missing instances every 5 s.
 */
export async function sustainedBeats({ settings, pool, sampler, target, preRegistered }) {
  const total = settings.beatInstances;
  const lanes = Math.max(1, Math.ceil(settings.connections / settings.workers));
  const before = await journalCounters(target);

  sampler.begin('beats: register + ramp');
  const rampStart = Date.now();
  const announced = await pool.runAll(
    ranges(total, settings.workers).map(([from, to]) => ({
      task: 'beat',
      port: target.port,
      from,
      to,
      preRegisteredBelow: preRegistered,
      services: settings.services,
      lanes,
      intervalMs: settings.beatIntervalMs,
      maxMs: 300_000 + settings.beatSeconds * 1000,
    })),
    240_000,
    'registered',
  );
  const rampSeconds = (Math.max(...announced.map((a) => a.at)) - rampStart) / 1000;
  await sleep(settings.beatIntervalMs);
  const ramp = sampler.end();

  pool.broadcast({ task: 'window-start' });
  sampler.begin('beats: steady');
  const windowEnd = Date.now() + settings.beatSeconds * 1000;
  const checks = [];
  while (Date.now() < windowEnd) {
    await sleep(Math.min(settings.censusEveryMs, Math.max(0, windowEnd - Date.now())));
    if (Date.now() < windowEnd - 500 || checks.length === 0) checks.push(await census(target, total, settings.services, 'statuses'));
  }
  const reports = await pool.askAll({ task: 'report' }, 'report', 30_000);
  const steady = sampler.end();
  const final = await census(target, total, settings.services, 'list');
  const after = await journalCounters(target);
  pool.broadcast({ task: 'stop' });
  await pool.waitAll('stopped', 30_000);

  const seconds = (Math.max(...reports.map((r) => r.endedAt)) - Math.min(...reports.map((r) => r.startedAt))) / 1000;
  const sum = (key) => reports.reduce((a, r) => a + r[key], 0);
  const latency = reports.reduce((h, r) => h.merge(Histogram.from(r.latency)), new Histogram());
  const lateness = reports.reduce((h, r) => h.merge(Histogram.from(r.lateness)), new Histogram());
  return {
    scenario: 'beats',
    instances: total,
    services: settings.services,
    connections: lanes * settings.workers,
    registeredInRamp: total - Math.min(total, preRegistered),
    registrationFailures: announced.reduce((a, r) => a + r.failures, 0),
    rampSeconds: round(rampSeconds),
    rampRegistrationsPerSecond: Math.round((total - Math.min(total, preRegistered)) / rampSeconds),
    windowSeconds: round(seconds),
    expectedPerSecond: Math.round(total / (settings.beatIntervalMs / 1000)),
    sentPerSecond: Math.round(sum('sent') / seconds),
    okPerSecond: Math.round(sum('ok') / seconds),
    ok: sum('ok'),
    answered20404: sum('notFound'),
    failed: sum('failed'),
    skipped: sum('skipped'),
    firstError: reports.find((r) => r.firstError)?.firstError ?? announced.find((a) => a.firstError)?.firstError ?? null,
    latency: latency.summary(),
    lateness: lateness.summary(),
    maxBeatGapMs: Math.max(...reports.map((r) => r.maxGapMs)),
    gapsOverTimeout: sum('gapsOverTimeout'),
    health: {
      maxUnhealthySeen: Math.max(final.unhealthy, ...checks.map((c) => c.unhealthy)),
      maxMissingSeen: Math.max(final.missing, ...checks.map((c) => c.missing)),
      censusErrors: final.errors + checks.reduce((a, c) => a + c.errors, 0),
      checks: checks.length,
      final,
      journal: before && after ? { path: after.path, beatMissed: after.beatMissed - before.beatMissed, expired: after.expired - before.expired, recreated: after.recreated - before.recreated } : null,
    },
    proc: { ramp, steady },
  };
}
