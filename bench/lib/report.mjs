import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addAuthRows, authNotes, authVerdicts } from './auth-report.mjs';
import { addClusterRows, clusterNotes, clusterVerdicts } from './cluster-report.mjs';
import { addGrpcRows, grpcNotes, grpcVerdicts } from './grpc-report.mjs';
import { addReferenceRows, referenceNotes, referenceVerdicts } from './reference-report.mjs';
import { memoryNotes, memoryVerdicts } from './memory-report.mjs';
import { soakNotes, soakVerdicts } from './soak-report.mjs';

export const TARGETS = {
  registrationsPerSecond: 15_000,
  beatInstances: 100_000,
  beatP99Ms: 50,
  serverRssMb: 400,
  listPerSecond: 20_000,
  durableRegistrationsPerSecond: 3_000,
  probeCpuPct: 25,
  configPublishesPerSecond: 3_000,
  configGetsPerSecond: 20_000,
  configListeners: 5_000,
  configNotifyP99Ms: 200,
};

/** Pass/fail against the targets. A quick run is scaled down, so its beat verdict says so instead of passing. */
export function verdicts(results, _settings) {
  const out = [];
  const reg = results.register;
  if (reg) out.push({ target: `registrations/s >= ${TARGETS.registrationsPerSecond}`, measured: `${reg.perSecond}/s`, pass: reg.perSecond >= TARGETS.registrationsPerSecond && reg.failed === 0 });
  const durable = results.durable;
  if (durable)
    out.push({ target: `durable registrations/s on SQLite >= ${TARGETS.durableRegistrationsPerSecond}`, measured: `${durable.perSecond}/s`, pass: durable.perSecond >= TARGETS.durableRegistrationsPerSecond && durable.failed === 0 });
  const probes = results.probes;
  if (probes) {
    const scaled = probes.instances < 10_000;
    out.push({
      target: `probing 10000 persistent instances every 5 s uses < ${TARGETS.probeCpuPct}% of one core`,
      measured: `${probes.serverCpuPct}% for ${probes.instances} instances, ${probes.probesPerSecond} probes/s of ${probes.expectedPerSecond}/s expected`,
      pass: !scaled && probes.serverCpuPct < TARGETS.probeCpuPct && probes.probesPerSecond >= 0.9 * probes.expectedPerSecond,
      note: scaled ? `scaled-down run (${probes.instances} instances): no verdict` : undefined,
    });
  }
  const b = results.beats;
  if (b) {
    const rss = Math.max(b.proc.ramp.serverPeakRssMb, b.proc.steady.serverPeakRssMb);
    const held = b.health.maxUnhealthySeen === 0 && b.health.maxMissingSeen === 0 && b.health.censusErrors === 0 && b.failed === 0 && b.okPerSecond >= 0.95 * b.expectedPerSecond;
    const scaled = b.instances < TARGETS.beatInstances;
    out.push({
      target: `${TARGETS.beatInstances} instances held (no unhealthy, >= 95% of ${TARGETS.beatInstances / 5}/s beats)`,
      measured: `${b.instances} instances, ${b.okPerSecond}/s ok of ${b.expectedPerSecond}/s, max unhealthy ${b.health.maxUnhealthySeen}, missing ${b.health.maxMissingSeen}`,
      pass: held && !scaled,
      note: scaled ? `scaled-down run (${b.instances} instances): no verdict` : undefined,
    });
    out.push({ target: `beat p99 < ${TARGETS.beatP99Ms} ms`, measured: `${b.latency.p99Ms} ms`, pass: b.latency.p99Ms !== null && b.latency.p99Ms < TARGETS.beatP99Ms, note: scaled ? 'at scaled-down load' : undefined });
    out.push({ target: `server RSS < ${TARGETS.serverRssMb} MB`, measured: `${rss} MB`, pass: rss < TARGETS.serverRssMb, note: scaled ? 'at scaled-down load' : undefined });
  }
  const list = results.list;
  if (list) out.push({ target: `list queries/s >= ${TARGETS.listPerSecond}`, measured: `${list.perSecond}/s`, pass: list.perSecond >= TARGETS.listPerSecond && list.failed === 0 });
  const config = results.config;
  if (config) {
    const { publish, get, notify } = config;
    out.push({ target: `config publishes/s on SQLite >= ${TARGETS.configPublishesPerSecond}`, measured: `${publish.perSecond}/s`, pass: publish.perSecond >= TARGETS.configPublishesPerSecond && publish.failed === 0 });
    out.push({ target: `config gets/s of a 4 KB config >= ${TARGETS.configGetsPerSecond}`, measured: `${get.perSecond}/s`, pass: get.perSecond >= TARGETS.configGetsPerSecond && get.failed === 0 });
    const scaled = notify.listeners < TARGETS.configListeners;
    out.push({
      target: `all ${TARGETS.configListeners} held listeners notified, p99 <= ${TARGETS.configNotifyP99Ms} ms after the publish`,
      measured: `${notify.notified} of ${notify.listeners} notified, p50 ${ms(notify.delay.p50Ms)} ms, p99 ${ms(notify.delay.p99Ms)} ms`,
      pass: !scaled && notify.notified === notify.listeners && notify.delay.p99Ms !== null && notify.delay.p99Ms <= TARGETS.configNotifyP99Ms,
      note: scaled ? `scaled-down run (${notify.listeners} listeners): no verdict` : undefined,
    });
  }
  out.push(...grpcVerdicts(results));
  out.push(...authVerdicts(results));
  out.push(...referenceVerdicts(results));
  out.push(...memoryVerdicts(results));
  out.push(...soakVerdicts(results));
  out.push(...clusterVerdicts(results));
  return out;
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const ms = (v) => (v === null || v === undefined ? '-' : v.toFixed(2));

export function printReport(run) {
  const { results } = run;
  const rows = [['phase', 'ok', 'rate/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'srv CPU %', 'srv RSS MB', 'gen CPU %', 'machine %']];
  const add = (name, _r, latency, proc, rate, ok, errors) =>
    rows.push([name, ok, rate, ms(latency?.p50Ms), ms(latency?.p99Ms), ms(latency?.maxMs), errors, proc.serverCpuPct, proc.serverPeakRssMb, proc.generatorCpuPct, proc.machineBusyPct]);
  if (results.list) add('list (100 hosts)', results.list, results.list.latency, results.list.proc, results.list.perSecond, results.list.ok, results.list.failed);
  if (results.register) add(`register ${results.register.instances}`, results.register, results.register.latency, results.register.proc, results.register.perSecond, results.register.ok, results.register.failed);
  if (results.durable) add(`durable ${results.durable.instances}`, results.durable, results.durable.latency, results.durable.proc, results.durable.perSecond, results.durable.ok, results.durable.failed);
  if (results.probes) add(`probes ${results.probes.instances}`, results.probes, null, results.probes.proc, results.probes.probesPerSecond, results.probes.instances, results.probes.failed);
  const b = results.beats;
  if (b) {
    add(`beats ramp (+${b.registeredInRamp} reg)`, b, null, b.proc.ramp, b.registeredInRamp > 0 ? b.rampRegistrationsPerSecond : '-', b.registeredInRamp, b.registrationFailures);
    add(`beats steady ${b.instances}`, b, b.latency, b.proc.steady, b.okPerSecond, b.ok, b.failed + b.answered20404);
  }
  const c = results.config;
  if (c) {
    add('config publish', c.publish, c.publish.latency, c.publish.proc, c.publish.perSecond, c.publish.ok, c.publish.failed);
    add(`config get (${c.get.answerBytes} B)`, c.get, c.get.latency, c.get.proc, c.get.perSecond, c.get.ok, c.get.failed);
    add(`config notify ${c.notify.listeners}`, c.notify, c.notify.delay, c.notify.proc, '-', c.notify.notified, c.notify.failed + c.notify.answeredEmpty);
  }
  addGrpcRows(results, add);
  addAuthRows(results, add);
  addReferenceRows(results, add);
  addClusterRows(results, add);
  const out = [`\nCairn benchmark (${run.settings.label}) on ${run.machine.nproc} x ${run.machine.cpuModel}, Node ${run.machine.node}`, table(rows)];
  if (run.idle) out.push(`idle server before load: RSS ${run.idle.serverPeakRssMb} MB; machine ${run.idle.machineBusyPct} % busy (other processes), load average at start ${run.machine.loadAverageAtStart.join(' ')}`);
  out.push('srv CPU % = server process, % of one core; gen CPU % = all load-generator processes; machine % = all CPUs busy, any process.');
  if (b) {
    out.push(
      `beats: expected ${b.expectedPerSecond}/s, sent ${b.sentPerSecond}/s; lateness (send - due) p99 ${ms(b.lateness.p99Ms)} ms, max ${ms(b.lateness.maxMs)} ms; `
        + `skipped ${b.skipped}; max gap ${b.maxBeatGapMs} ms (${b.gapsOverTimeout} over 15 s)`,
    );
    const j = b.health.journal;
    out.push(
      `health: ${b.health.checks} checks during the window + final list census: max unhealthy ${b.health.maxUnhealthySeen}, max missing ${b.health.maxMissingSeen}, `
        + `census errors ${b.health.censusErrors}${j ? `; journal BEAT_MISSED ${j.beatMissed}, EXPIRED ${j.expired}` : '; journal counters: no Prometheus endpoint found'}`,
    );
  }
  if (c) out.push('config notify: p50/p99/max = ms from the start of the publish to each held long poll answered with the changed key.');
  out.push(...grpcNotes(results));
  out.push(...authNotes(results));
  out.push(...referenceNotes(results));
  out.push(...memoryNotes(results));
  out.push(...soakNotes(results));
  out.push(...clusterNotes(results));
  const phases = Object.values(results).flatMap((r) => (r.scenario ? [r] : Object.values(r)));
  for (const r of phases) if (r.firstError) out.push(`${r.scenario}: first error: ${r.firstError}`);
  out.push('\nTargets:');
  for (const v of run.verdicts) out.push(`  ${v.pass ? 'PASS' : 'FAIL'}  ${v.target}: ${v.measured}${v.note ? ` (${v.note})` : ''}`);
  console.log(out.join('\n'));
}

export function writeResults(run) {
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${run.settings.label}-${run.startedAt.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}
