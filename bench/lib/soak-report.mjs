// Verdicts and notes of the soak scenario (bench/scenarios/soak.mjs), used by report.mjs. The rules are in
// docs/benchmarks.md ("Soak"); the numbers here are the tolerances it documents.

export const SOAK_TOLERANCE = {
  /**
   * Samples in the warm-up are left out: caches, JIT and the heap settle there, and the server's bounded memories
   * fill (the removal memory keeps the last 10 minutes of deregistrations, at most 10,000: full after about
   * 9 minutes of this churn). The warm-up is `warmupMinutes`, but never more than 1/`warmupMaxFraction` of the run.
   */
  warmupMinutes: 10,
  warmupMaxFraction: 3,
  /** RSS may grow by at most max(rssMb, rssPct % of its first-quarter median) after the warm-up. */
  rssMb: 10,
  rssPct: 5,
  /** Heap used likewise, with max(heapMb, heapPct %). */
  heapMb: 5,
  heapPct: 10,
  /** Event-loop delay: the median of the per-sample p99s below this, and its last-quarter median no more than `loopGrowthMs` above the first. */
  loopP99Ms: 50,
  loopGrowthMs: 5,
  /** Requests not sent on time (a kind at its in-flight cap, or a beat still waiting when due again), in % of the requests and pushes answered. */
  behindPct: 1,
};

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};

const r1 = (v) => (v === null ? null : Math.round(v * 10) / 10);

/** Least-squares slope of y over x (units of y per unit of x); null with fewer than two points. */
export function slope(points) {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * The trend of one series after the warm-up: medians of its first and last quarter, their difference, and the
 * least-squares slope per hour with the growth it amounts to over the measured span.
 */
export function trend(samples, pick) {
  const points = samples.map((s) => [s.t, pick(s)]).filter(([, y]) => y !== null && y !== undefined);
  if (points.length < 4) return null;
  const quarter = Math.max(1, Math.floor(points.length / 4));
  const first = median(points.slice(0, quarter).map(([, y]) => y));
  const last = median(points.slice(-quarter).map(([, y]) => y));
  const perSecond = slope(points);
  const spanSeconds = points.at(-1)[0] - points[0][0];
  return {
    firstQuarterMedian: r1(first),
    lastQuarterMedian: r1(last),
    growth: r1(last - first),
    growthPct: first > 0 ? r1(((last - first) / first) * 100) : null,
    slopePerHour: r1(perSecond * 3600),
    slopeGrowth: r1(perSecond * spanSeconds),
    median: r1(median(points.map(([, y]) => y))),
    max: r1(Math.max(...points.map(([, y]) => y))),
    samples: points.length,
  };
}

/** The samples after the warm-up and the trends the verdicts are made of. */
export function soakAnalysis(soak) {
  const warmupSeconds = Math.min(SOAK_TOLERANCE.warmupMinutes * 60, (soak.minutes * 60) / SOAK_TOLERANCE.warmupMaxFraction);
  const after = soak.samples.filter((s) => s.t > warmupSeconds);
  return {
    warmupSeconds,
    rss: trend(after, (s) => s.rssMb),
    heap: trend(after, (s) => s.heapUsedMb),
    loopP99: trend(after, (s) => s.loopP99Ms),
    cpuPct: trend(after, (s) => s.cpuPct),
  };
}

function memoryVerdict(name, t, mb, pct) {
  if (!t) return { target: `soak: ${name} flat after the warm-up`, measured: 'too few samples', pass: false };
  const tolerance = Math.max(mb, (t.firstQuarterMedian * pct) / 100);
  return {
    target: `soak: ${name} flat after the warm-up (growth and slope x span <= max(${mb} MB, ${pct} %) = ${r1(tolerance)} MB)`,
    measured: `${t.firstQuarterMedian} -> ${t.lastQuarterMedian} MB (${t.growth >= 0 ? '+' : ''}${t.growth} MB, ${t.growthPct} %), slope ${t.slopePerHour} MB/h = ${t.slopeGrowth} MB over the span`,
    pass: t.growth <= tolerance && t.slopeGrowth <= tolerance,
  };
}

export function soakVerdicts(results) {
  const soak = results.soak;
  if (!soak) return [];
  const a = soakAnalysis(soak);
  const out = [memoryVerdict('server RSS', a.rss, SOAK_TOLERANCE.rssMb, SOAK_TOLERANCE.rssPct), memoryVerdict('heap used', a.heap, SOAK_TOLERANCE.heapMb, SOAK_TOLERANCE.heapPct)];
  const l = a.loopP99;
  out.push(
    l
      ? {
          target: `soak: event-loop delay p99 flat and median < ${SOAK_TOLERANCE.loopP99Ms} ms (last-quarter median <= first + ${SOAK_TOLERANCE.loopGrowthMs} ms)`,
          measured: `median ${l.median} ms, max ${l.max} ms, first quarter ${l.firstQuarterMedian} -> last ${l.lastQuarterMedian} ms`,
          pass: l.median < SOAK_TOLERANCE.loopP99Ms && l.growth <= SOAK_TOLERANCE.loopGrowthMs,
        }
      : { target: 'soak: event-loop delay p99 flat', measured: 'no event-loop figures from the Prometheus endpoint', pass: false },
  );
  const t = soak.totals;
  const silent = ['beat', 'register', 'deregister', 'list', 'udpPush', 'grpcPush', 'configGet', 'configPublish', 'configDelete', 'configNotify'].filter((k) => t[k].ok === 0);
  out.push({
    target: 'soak: no errors, every kind of traffic answered (pushes and notifications arrived)',
    measured:
      `${soak.errors} failed requests, ${soak.grpcClosed} gRPC connections lost, ${soak.scrapeFailures} failed scrapes`
      + `${silent.length ? `; nothing for ${silent.join(', ')}` : ''}; generator behind ${soak.behind} requests, ${soak.beatsSkipped} beats skipped`,
    pass: soak.errors === 0 && soak.grpcClosed === 0 && soak.scrapeFailures === 0 && silent.length === 0,
  });
  const answered = Object.values(t).reduce((a, v) => a + v.ok, 0);
  const late = soak.behind + soak.beatsSkipped;
  out.push({
    target: `soak: the mix sustained (requests behind + beats skipped <= ${SOAK_TOLERANCE.behindPct} % of those answered)`,
    measured: `${late} of ${answered} (${r1((late / Math.max(1, answered)) * 100)} %)`,
    pass: late <= (answered * SOAK_TOLERANCE.behindPct) / 100,
  });
  return out;
}

export function soakNotes(results) {
  const soak = results.soak;
  if (!soak) return [];
  const a = soakAnalysis(soak);
  const t = soak.totals;
  const lines = [
    `soak: ${soak.minutes} min, sampled every ${soak.sampleSeconds} s, warm-up ${Math.round(a.warmupSeconds)} s left out of the trends; server CPU median ${a.cpuPct?.median ?? '-'} % of one core.`,
    `soak totals: ${Object.entries(t)
      .map(([k, v]) => `${k} ${v.ok}${v.failed ? ` (${v.failed} failed)` : ''}`)
      .join(', ')}.`,
  ];
  for (const [kind, error] of Object.entries(soak.firstErrors)) lines.push(`soak: first ${kind} error: ${error}`);
  return lines;
}
