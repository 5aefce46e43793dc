import { createServer } from 'node:net';
import { Target } from '../lib/http-client.mjs';
import { ProcSampler } from '../lib/proc-sampler.mjs';
import { startServer } from '../lib/server-process.mjs';
import { ranges } from '../lib/worker-pool.mjs';
import { round } from './list-queries.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Scenario: N persistent instances a fresh server probes by TCP every 5 s (its default), against one listener that
 * accepts on every loopback address (each instance has its own 127.1.x.y). It has its own server, with probes on,
 * so nothing else is probed and nothing else loads it. After one interval to let the first probes spread out, the
 * server's CPU is measured over the window; the listener counts the probes that arrived.
 */
export async function probeScheduler({ settings, pool, nodeFlags }) {
  const server = await startServer({ nodeFlags, serverArgs: ['--health-check-enabled', 'true', ...settings.serverArgs] });
  const sampler = new ProcSampler(server.pid);
  sampler.setGenerators(pool.pids);
  const target = new Target(server.port, 4);
  let accepted = 0;
  // Bound to all addresses only so that every 127.1.x.y reaches it; every probe dials a loopback address.
  const listener = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise((resolve) => listener.listen(0, '0.0.0.0', resolve));
  const port = listener.address().port;
  try {
    const lanes = Math.max(1, Math.ceil(settings.connections / settings.workers));
    const results = await pool.runAll(
      ranges(settings.probeInstances, settings.workers).map(([from, to]) => ({
        task: 'register',
        port: target.port,
        from,
        to,
        services: settings.services,
        lanes,
        maxMs: 120_000,
        persistent: true,
        servicePrefix: 'probe-',
        probeTargetPort: port,
      })),
      150_000,
    );
    const registered = results.reduce((a, r) => a + r.ok, 0);
    await sleep(settings.probeWarmupMs);
    const before = accepted;
    sampler.begin('probes');
    await sleep(settings.probeSeconds * 1000);
    const proc = sampler.end();
    const probesPerSecond = Math.round((accepted - before) / settings.probeSeconds);
    return {
      scenario: 'probes',
      instances: registered,
      failed: results.reduce((a, r) => a + r.failed, 0),
      seconds: settings.probeSeconds,
      probesPerSecond,
      expectedPerSecond: Math.round(registered / 5),
      serverCpuPct: round(proc.serverCpuPct),
      proc,
    };
  } finally {
    sampler.stop();
    target.close();
    await server.stop();
    await new Promise((resolve) => listener.close(resolve));
  }
}
