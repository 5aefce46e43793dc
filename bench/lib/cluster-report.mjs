// Verdicts, table rows and notes of the cluster scenario (bench/scenarios/cluster.mjs), used by report.mjs.

export const CLUSTER_TARGETS = { visibilityP99Ms: 1_000, downWithinMs: 15_000 };

const ms = (v) => (v === null || v === undefined ? '-' : v.toFixed(2));

function visibilityVerdict(what, summary, missed) {
  return {
    target: `${what}, p99 <= ${CLUSTER_TARGETS.visibilityP99Ms} ms`,
    measured: `p50 ${ms(summary.p50Ms)} ms, p99 ${ms(summary.p99Ms)} ms, max ${ms(summary.maxMs)} ms over ${summary.count}${missed ? `, ${missed} never seen` : ''}`,
    pass: summary.count > 0 && missed === 0 && summary.p99Ms <= CLUSTER_TARGETS.visibilityP99Ms,
  };
}

export function clusterVerdicts(results) {
  const c = results.cluster;
  if (!c || c.skipped) return [];
  const out = [
    visibilityVerdict('cluster: an ephemeral instance registered on one node listed on the other two', c.instance.registered, c.instance.missed),
    visibilityVerdict('cluster: its deregistration seen on the other two', c.instance.removed, c.instance.missed),
    visibilityVerdict('cluster: a config publish answers a long poll held on each other node', c.config.delay, c.config.missed),
  ];
  const downs = c.kills.flatMap((k) => k.survivors.map((s) => s.downMs));
  if (c.kills.length > 0)
    out.push({
      target: `cluster: a SIGKILLed node DOWN on every survivor within ${CLUSTER_TARGETS.downWithinMs / 1000} s (lease 10 s, renewal 2 s)`,
      measured: c.kills.map((k) => `${k.survivors.map((s) => (s.downMs === null ? 'never' : `${(s.downMs / 1000).toFixed(1)}`)).join(' / ')} s`).join('; '),
      pass: downs.every((d) => d !== null && d <= CLUSTER_TARGETS.downWithinMs),
    });
  return out;
}

/** Table rows through report.mjs's `add(name, result, latency, proc, rate, ok, errors)`. */
export function addClusterRows(results, add) {
  const c = results.cluster;
  if (!c || c.skipped) return;
  for (const [n, r] of c.register.entries()) add(`cluster register, node ${n + 1}`, r, r.latency, r.proc, r.perSecond, r.ok, r.failed);
  for (const [n, b] of c.beats.entries()) add(`cluster beats, node ${n + 1}`, b, b.latency, b.proc, b.perSecond, b.ok, b.failed);
  const none = { serverCpuPct: '-', serverPeakRssMb: '-', generatorCpuPct: '-', machineBusyPct: '-' };
  add('cluster seen: registration', c.instance, c.instance.registered, none, '-', c.instance.registered.count, c.instance.missed);
  add('cluster seen: deregistration', c.instance, c.instance.removed, none, '-', c.instance.removed.count, c.instance.missed);
  add('cluster seen: config long poll', c.config, c.config.delay, none, '-', c.config.notified, c.config.missed);
}

export function clusterNotes(results) {
  const c = results.cluster;
  if (!c) return [];
  if (c.skipped) return [`cluster: skipped: ${c.skipped}`];
  const out = [
    `cluster: ${c.seconds} s in all; ${c.nodes} nodes on ${c.database} (lease ${c.leaseMs / 1000} s, renewal ${c.renewMs / 1000} s), all listed UP by all ${Math.round(c.joinMs)} ms after the last start; ${c.instances} ephemeral instances, a block per node, ${c.connectionsPerNode} connections per node; beats every 5 s (offered ${c.beats.map((b) => b.offeredPerSecond).join(' / ')}/s), lateness p99 ${c.beats.map((b) => ms(b.lateness?.p99Ms)).join(' / ')} ms; every node counted all ${c.instances} instances ${c.registeredEverywhereMs === null ? 'NOT within 60 s' : `${ms(c.registeredEverywhereMs)} ms`} after the last registration was answered`,
    `cluster seen: ms from sending a write on one node to the other nodes showing it (lists polled every ${c.instance.pollMs} ms; each probe counts once per other node); ${c.instance.probes} instance probes, ${c.instance.underLoad} of them during the beats; the writing node answered the registration in p50 ${ms(c.instance.writeAnswer.p50Ms)} ms, p99 ${ms(c.instance.writeAnswer.p99Ms)} ms; slowest: probe ${c.instance.slowest?.probe} from ${c.instance.slowest?.writer} seen on ${c.instance.slowest?.reader} after ${ms(c.instance.slowest?.ms)} ms${c.instance.slowest?.duringBeats ? ' (during the beats)' : ''}${c.instance.overASecond.length > 0 ? `; probes seen after more than 1 s: ${c.instance.overASecond.join(', ')}` : ''}. Config: ${c.config.rounds} publishes, ms from the start of the publish to each long poll's answer.`,
  ];
  for (const k of c.kills)
    out.push(
      `cluster kill -9 ${k.node}: ${k.survivors.map((s) => `${s.node} SUSPICIOUS at ${ms(s.suspiciousMs)} ms, DOWN at ${ms(s.downMs)} ms`).join('; ')}; `
        + (k.ownedInOneService.before > 0
          ? `its ${k.ownedInOneService.before} instances in one service: at least ${k.ownedInOneService.leastDuringTakeOver} listed on both survivors throughout, ${k.ownedInOneService.after} after the take-over${k.ownedInOneService.leastDuringTakeOver < k.ownedInOneService.before ? ' (SOME LEFT THE LISTS)' : ''}; `
          : '')
        + `restarted on the same port, all UP again ${ms(k.rejoinMs)} ms after its start`,
    );
  for (const [name, r] of [...c.register.map((r, n) => [`register node ${n + 1}`, r]), ...c.beats.map((b, n) => [`beats node ${n + 1}`, b]), ['instance probes', c.instance], ['config', c.config]])
    if (r.firstError) out.push(`cluster ${name}: first error: ${r.firstError}`);
  return out;
}
