import { Histogram } from './histogram.mjs';

/** Sends beats and counts them: answered with code 10200, failed (the first failure kept), and their latency. */
export class BeatTally {
  constructor() {
    this.ok = 0;
    this.failed = 0;
    this.firstError = null;
    this.hist = new Histogram();
  }

  async send(target, path) {
    const t0 = performance.now();
    try {
      const res = await target.request('PUT', path, true);
      this.hist.recordMs(performance.now() - t0);
      if (res.status === 200 && res.body.includes('"code":10200')) this.ok++;
      else {
        this.failed++;
        this.firstError ??= `beat HTTP ${res.status}: ${res.body.slice(0, 200)}`;
      }
    } catch (error) {
      this.failed++;
      this.firstError ??= `beat: ${error}`;
    }
  }

  result(startedAt, endedAt) {
    return { ok: this.ok, failed: this.failed, firstError: this.firstError, startedAt, endedAt, hist: this.hist.toJSON() };
  }
}
