import { createServer } from 'node:net';
import { ranges } from '../lib/worker-pool.mjs';
import { round } from './list-queries.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Scenario: N persistent instances the server probes by TCP every 5 s (its default), against one listener that
 * accepts on every loopback address (each instance has its own 127.1.x.y). After one interval to let the first
 * probes spread out, the server's CPU is measured over the window with no other load; the listener counts the
 * probes that arrived.
 */
export async function probeScheduler({ settings, pool, sampler, target }) {
  let accepted = 0;
  // Bound to all addresses only so that every 127.1.x.y reaches it; every probe dials a loopback address.
  const listener = createServer((socket) => { accepted++; socket.destroy(); });
  await new Promise((resolve) => listener.listen(0, '0.0.0.0', resolve));
  const port = listener.address().port;
  try {
    const lanes = Math.max(1, Math.ceil(settings.connections / settings.workers));
    const results = await pool.runAll(ranges(settings.probeInstances, settings.workers).map(([from, to]) => ({
      task: 'register', port: target.port, from, to, services: settings.services, lanes, maxMs: 120_000,
      persistent: true, servicePrefix: 'probe-', probeTargetPort: port,
    })), 150_000);
    const registered = results.reduce((a, r) => a + r.ok, 0);
    await sleep(settings.probeWarmupMs);
    const before = accepted;
    sampler.begin('probes');
    await sleep(settings.probeSeconds * 1000);
    const proc = sampler.end();
    const probesPerSecond = Math.round((accepted - before) / settings.probeSeconds);
    return {
      scenario: 'probes', instances: registered, failed: results.reduce((a, r) => a + r.failed, 0),
      seconds: settings.probeSeconds, probesPerSecond, expectedPerSecond: Math.round(registered / 5), serverCpuPct: round(proc.serverCpuPct), proc,
    };
  } finally {
    await new Promise((resolve) => listener.close(resolve));
  }
}
