import { readFileSync } from 'node:fs';

// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream kernel build.
export const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in clock ticks (TICKS_PER_SECOND), or undefined when it is gone. */
export function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name may contain spaces
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return undefined;
  }
}

/** The RSS of a process in MB, or undefined when it is gone. */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of the whole machine, to show how much CPU other processes took. */
export function machineTicks() {
  const [, ...nums] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const v = nums.map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * Samples the server's RSS and CPU (and the load generators' CPU) from /proc every `everyMs`, and keeps
 * per-phase figures: peak RSS, CPU as a percentage of one core, and the whole machine's busy share.
 */
export class ProcSampler {
  constructor(serverPid, everyMs = 200) {
    this.serverPid = serverPid;
    this.generatorPids = [process.pid];
    this.phase = null;
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  setGenerators(pids) {
    this.generatorPids = [process.pid, ...pids];
  }

  sample() {
    const rss = rssMb(this.serverPid);
    if (this.phase && rss !== undefined) this.phase.peakRssMb = Math.max(this.phase.peakRssMb, rss);
    return rss;
  }

  begin(name) {
    this.phase = {
      name,
      startedAt: performance.now(),
      peakRssMb: this.sample() ?? 0,
      serverTicks: cpuTicks(this.serverPid) ?? 0,
      generatorTicks: this.generatorTicksNow(),
      machine: machineTicks(),
    };
  }

  /** Ends the current phase and returns its figures. */
  end() {
    const p = this.phase;
    const rss = this.sample();
    this.phase = null;
    const seconds = (performance.now() - p.startedAt) / 1000;
    const pct = (ticks) => Math.round((ticks / TICKS_PER_SECOND / seconds) * 1000) / 10;
    const machine = machineTicks();
    return {
      phase: p.name,
      seconds: Math.round(seconds * 10) / 10,
      serverPeakRssMb: Math.round(Math.max(p.peakRssMb, rss ?? 0)),
      serverEndRssMb: rss === undefined ? null : Math.round(rss),
      serverCpuPct: pct((cpuTicks(this.serverPid) ?? 0) - p.serverTicks),
      generatorCpuPct: pct(this.generatorTicksNow() - p.generatorTicks),
      machineBusyPct: Math.round(((machine.busy - p.machine.busy) / Math.max(1, machine.total - p.machine.total)) * 1000) / 10,
    };
  }

  generatorTicksNow() {
    return this.generatorPids.reduce((sum, pid) => sum + (cpuTicks(pid) ?? 0), 0);
  }

  stop() {
    clearInterval(this.timer);
  }
}
