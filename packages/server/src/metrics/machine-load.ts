import os from 'node:os';

/**
 * Nacos's `cpu` (process CPU share), `load` (1-minute system load) and `mem` (share of memory in use), as
 * fractions. The CPU share here is averaged since the process started, which needs no sampling timer.
 */
export function machineLoad(): { cpu: number; load: number; mem: number } {
  const usage = process.cpuUsage();
  const elapsedMicros = process.uptime() * 1e6 * Math.max(1, os.availableParallelism());
  return {
    cpu: round((usage.user + usage.system) / elapsedMicros),
    load: round(os.loadavg()[0]),
    mem: round(1 - os.freemem() / os.totalmem()),
  };
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : 0;
}
