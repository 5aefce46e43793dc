// A latency histogram in microseconds with fixed log-linear buckets (64 per power of two, under 1.6 % error),
// so workers can ship their counts as plain arrays and the orchestrator can merge them exactly.

const LINEAR = 128;
const SUB = 64;
const SIZE = LINEAR + 32 * SUB;

function indexOf(us) {
  const v = Math.max(0, Math.floor(us));
  if (v < LINEAR) return v;
  const shift = 31 - Math.clz32(v) - 6;
  return Math.min(SIZE - 1, LINEAR + (shift - 1) * SUB + ((v >>> shift) - SUB));
}

function upperOf(index) {
  if (index < LINEAR) return index + 1;
  const shift = Math.floor((index - LINEAR) / SUB) + 1;
  return (((index - LINEAR) % SUB) + SUB + 1) * 2 ** shift;
}

export class Histogram {
  constructor(counts) {
    this.counts = counts ? Uint32Array.from(counts) : new Uint32Array(SIZE);
    this.total = this.counts.reduce((a, b) => a + b, 0);
    this.maxUs = 0;
  }

  recordMs(ms) {
    const us = ms * 1000;
    this.counts[indexOf(us)]++;
    this.total++;
    if (us > this.maxUs) this.maxUs = us;
  }

  merge(other) {
    for (let i = 0; i < SIZE; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
    this.maxUs = Math.max(this.maxUs, other.maxUs);
    return this;
  }

  /** The value (ms) at or below which `q` (0..1) of the samples fall, to the bucket's upper edge. */
  quantileMs(q) {
    if (this.total === 0) return null;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(upperOf(i), this.maxUs || Infinity) / 1000;
    }
    return this.maxUs / 1000;
  }

  toJSON() {
    return { counts: Array.from(this.counts), maxUs: this.maxUs };
  }

  static from(json) {
    const h = new Histogram(json.counts);
    h.maxUs = json.maxUs;
    return h;
  }

  summary() {
    const r = (v) => (v === null ? null : Math.round(v * 100) / 100);
    return { count: this.total, p50Ms: r(this.quantileMs(0.5)), p90Ms: r(this.quantileMs(0.9)), p99Ms: r(this.quantileMs(0.99)), maxMs: r(this.maxUs / 1000) };
  }
}
