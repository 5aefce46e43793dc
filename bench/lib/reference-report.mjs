// Verdicts, table rows and notes of the reference scenario (bench/scenarios/reference.mjs), used by report.mjs.

/** Cairn's server CPU per request (and RSS) as a multiple of the bare node:http reference's, at most. */
export const REFERENCE_TARGETS = { beatCpuRatio: 1.2, registerCpuRatio: 1.2, listCpuRatio: 0.5, rssRatio: 1.5, rssInstances: 10_000 };

const PHASES = [
  ['beats', 'beat', 'beatCpuRatio'],
  ['register', 'registration', 'registerCpuRatio'],
  ['list', 'list query (100 hosts)', 'listCpuRatio'],
];

const spread = (s) => (s ? `per round min ${s.min}, median ${s.median}, max ${s.max}` : 'no per-round ratio');

export function referenceVerdicts(results) {
  const x = results.reference;
  if (!x || x.cairnIsReference) return []; // a check of the method (reference on both sides), not a verdict on Cairn
  const out = PHASES.map(([key, label, limit]) => {
    const p = x[key];
    return {
      target: `Cairn's server CPU per ${label} <= ${REFERENCE_TARGETS[limit]} x the reference's`,
      measured: `${p.cpuRatio} x (${p.cairn.serverUsPerRequest} us vs ${p.reference.serverUsPerRequest} us); ${spread(p.perRoundCpuRatioStats)}`,
      pass: p.cpuRatio <= REFERENCE_TARGETS[limit] && p.cairn.failed === 0 && p.reference.failed === 0,
    };
  });
  const scaled = x.instances < REFERENCE_TARGETS.rssInstances;
  out.push({
    target: `Cairn's RSS holding ${REFERENCE_TARGETS.rssInstances} instances <= ${REFERENCE_TARGETS.rssRatio} x the reference's`,
    measured: `${x.rss.ratio} x (${x.rss.cairn.peakMb} MB vs ${x.rss.reference.peakMb} MB, peak over the beat turns)`,
    pass: !scaled && x.rss.ratio <= REFERENCE_TARGETS.rssRatio,
    note: scaled ? `scaled-down run (${x.instances} instances): no verdict` : undefined,
  });
  return out;
}

/** Table rows through report.mjs's `add(name, result, latency, proc, rate, ok, errors)`. */
export function addReferenceRows(results, add) {
  const x = results.reference;
  if (!x) return;
  const other = x.cairnIsReference ? 'ref2' : 'cairn';
  for (const [key, label] of [
    ['register', `ref register ${x.rounds} x ${x.registeredPerTurn}`],
    ['beats', `ref beats ${x.beatRate}/s`],
    ['list', 'ref list (100 hosts)'],
  ])
    for (const [side, name] of [
      ['reference', 'reference'],
      ['cairn', other],
    ]) {
      const t = x[key][side];
      add(`${label}, ${name}`, t, t.latency, { serverCpuPct: t.serverCpuPct, serverPeakRssMb: t.peakRssMb, generatorCpuPct: t.generatorCpuPct, machineBusyPct: t.machineBusyPct }, t.perSecond, t.ok, t.failed);
    }
}

export function referenceNotes(results) {
  const x = results.reference;
  if (!x) return [];
  const who = x.cairnIsReference ? 'second reference (BENCH_REF_SELF=1: ratios should be about 1)' : 'Cairn';
  const out = [
    `reference: ${who} ÷ the bare node:http reference, same run, ${x.instances} instances, ${x.connections} connections per server; registrations and list queries in ${x.rounds} alternating rounds, beats to both at once in ${x.rounds} turns:`,
  ];
  for (const [key, label] of PHASES) {
    const p = x[key];
    out.push(
      `  ${label}: server CPU ${p.cairn.serverUsPerRequest} us vs ${p.reference.serverUsPerRequest} us per request = ${p.cpuRatio} x (${spread(p.perRoundCpuRatioStats)}); rate ${p.cairn.perSecond}/s vs ${p.reference.perSecond}/s = ${p.rateRatio} x`,
    );
  }
  const b = x.beats;
  out.push(
    `  beats offered at ${x.beatRate}/s: p99 ${b.cairn.latency.p99Ms} ms vs ${b.reference.latency.p99Ms} ms; lateness p99 ${b.cairn.lateness.p99Ms} ms vs ${b.reference.lateness.p99Ms} ms; `
      + `CPU at rest holding the instances ${x.restCpuPct.cairn} % vs ${x.restCpuPct.reference} % of a core`,
  );
  out.push(
    `  RSS holding the instances: peak ${x.rss.cairn.peakMb} MB vs ${x.rss.reference.peakMb} MB = ${x.rss.ratio} x (after the beat turns ${x.rss.cairn.afterMb} vs ${x.rss.reference.afterMb} MB; at start, before any request, ${x.rss.cairn.startMb} vs ${x.rss.reference.startMb} MB); list answer ${x.list.answerBytes.cairn} vs ${x.list.answerBytes.reference} bytes`,
  );
  for (const [key] of PHASES) for (const side of ['reference', 'cairn']) if (x[key][side].firstError) out.push(`reference ${key} ${side}: first error: ${x[key][side].firstError}`);
  return out;
}
