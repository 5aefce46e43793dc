// Verdict, table rows and notes of the auth-beats scenario (bench/scenarios/auth-beats.mjs), used by report.mjs.

/** Beats with raw credentials against a server with auth on, as a share of the same load with auth off. */
export const AUTH_TARGETS = { rawToOffRatio: 0.9 };

const ms = (v) => (v === null || v === undefined ? '-' : v.toFixed(2));

export function authVerdicts(results) {
  const a = results.authBeats;
  if (!a) return [];
  const ratios = a.rounds.map((r) => r.rawToOff).sort((x, y) => x - y);
  const failed = a.total.off.failed + a.total.raw.failed + a.total.token.failed;
  return [
    {
      target: `auth on (username+password on every beat) >= ${AUTH_TARGETS.rawToOffRatio} x the beats/s of auth off`,
      measured: `${(a.total.raw.perSecond / a.total.off.perSecond).toFixed(2)} x (${a.total.raw.perSecond}/s vs ${a.total.off.perSecond}/s); per round min ${ratios[0]}, median ${ratios[Math.floor(ratios.length / 2)]}, max ${ratios[ratios.length - 1]}`,
      pass: a.total.raw.perSecond >= AUTH_TARGETS.rawToOffRatio * a.total.off.perSecond && failed === 0 && a.wrongPasswordRefused,
    },
  ];
}

/** Table rows through report.mjs's `add(name, result, latency, proc, rate, ok, errors)`. */
export function addAuthRows(results, add) {
  const a = results.authBeats;
  if (!a) return;
  for (const [name, label] of [
    ['off', 'beats, auth off'],
    ['raw', 'beats, auth on, user+pw'],
    ['token', 'beats, auth on, token'],
  ]) {
    const t = a.total[name];
    add(label, t, t.latency, { serverCpuPct: t.serverCpuPct, serverPeakRssMb: '-', generatorCpuPct: t.generatorCpuPct, machineBusyPct: t.machineBusyPct }, t.perSecond, t.ok, t.failed);
  }
}

export function authNotes(results) {
  const a = results.authBeats;
  if (!a) return [];
  const { off, raw, token } = a.total;
  const out = [
    `auth-beats: ${a.instances} instances, ${a.connections} connections, ${a.rounds.length} rounds of off / user+pw / token; server CPU per beat: off ${off.serverUsPerBeat} us, user+pw ${raw.serverUsPerBeat} us (${(off.serverUsPerBeat / raw.serverUsPerBeat).toFixed(2)} x), token ${token.serverUsPerBeat} us (${(off.serverUsPerBeat / token.serverUsPerBeat).toFixed(2)} x)`,
    ...(a.pairs
      ? [`auth-beats: per pair of servers, user+pw / off beats/s and server us per beat off / user+pw / token: ${a.pairs.map((p) => `${p.rawToOff} x (${p.usPerBeat.off} / ${p.usPerBeat.raw} / ${p.usPerBeat.token})`).join('; ')}`]
      : []),
    `auth-beats: per round beats/s (off, user+pw, token): ${a.rounds.map((r) => `${r.off.perSecond} ${r.raw.perSecond} ${r.token.perSecond}`).join('; ')}`,
    `auth-beats: token / user+pw = ${(token.perSecond / raw.perSecond).toFixed(2)} x beats/s; logins one at a time: p50 ${ms(a.logins.latency.p50Ms)} ms, p99 ${ms(a.logins.latency.p99Ms)} ms over ${a.logins.count}, server CPU ${a.logins.serverCpuMsPerLogin} ms each; a beat with a wrong password ${a.wrongPasswordRefused ? 'was refused (403)' : 'was NOT refused'}`,
  ];
  for (const [name, t] of Object.entries(a.total)) if (t.firstError) out.push(`auth-beats ${name}: first error: ${t.firstError}`);
  return out;
}
