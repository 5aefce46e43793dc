import { Histogram } from '../lib/histogram.mjs';
import { ranges } from '../lib/worker-pool.mjs';
import { round } from './list-queries.mjs';

/**
 * Scenario 1: register N ephemeral instances over the services, as fast as the workers can send them. With
 * `persistent`, the instances are persistent: each answer waits until the registration is committed to storage.
 */
export async function registrations({ settings, pool, sampler, target }, persistent = false) {
  const total = persistent ? settings.durableInstances : settings.registerInstances;
  const lanes = Math.max(1, Math.ceil(settings.connections / settings.workers));
  sampler.begin(persistent ? 'durable' : 'register');
  const results = await pool.runAll(
    ranges(total, settings.workers).map(([from, to]) => ({
      task: 'register',
      port: target.port,
      from,
      to,
      services: settings.services,
      lanes,
      maxMs: 120_000,
      persistent,
      servicePrefix: persistent ? 'durable-' : '',
    })),
    150_000,
  );
  const proc = sampler.end();
  const ok = results.reduce((a, r) => a + r.ok, 0);
  const seconds = (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
  const latency = results.reduce((h, r) => h.merge(Histogram.from(r.hist)), new Histogram());
  return {
    scenario: persistent ? 'durable' : 'register',
    instances: total,
    services: settings.services,
    connections: lanes * settings.workers,
    ok,
    failed: results.reduce((a, r) => a + r.failed, 0),
    firstError: results.find((r) => r.firstError)?.firstError ?? null,
    seconds: round(seconds),
    perSecond: Math.round(ok / seconds),
    latency: latency.summary(),
    proc,
  };
}
