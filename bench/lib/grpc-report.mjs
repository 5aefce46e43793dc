// Verdicts, table rows and notes of the gRPC scenarios (bench/scenarios/grpc.mjs), used by report.mjs.

export const GRPC_TARGETS = {
  idleConnections: 10_000,
  idleCpuPct: 5,
  registrationsPerSecond: 20_000,
  subscribers: 1_000,
  fanoutP99Ms: 100,
};

/** Server CPU time per item (µs) over a sampled phase: comparable across runs even when the generator limits the rate. */
export const serverUsPer = (proc, items) => Math.round(((proc.serverCpuPct / 100) * proc.seconds * 1e6) / Math.max(1, items));

const ms = (v) => (v === null || v === undefined ? '-' : v.toFixed(2));

export function grpcVerdicts(results) {
  const out = [];
  const idle = results.grpcIdle;
  if (idle) {
    const scaled = idle.connections < GRPC_TARGETS.idleConnections;
    const note = scaled ? `scaled-down run (${idle.connections} connections): no verdict` : undefined;
    out.push({
      target: `gRPC: ${GRPC_TARGETS.idleConnections} idle connections, each holding an instance, use < ${GRPC_TARGETS.idleCpuPct}% of one core`,
      measured: `${idle.proc.idle.serverCpuPct}% with ${idle.connected} of ${idle.connections} connected (${idle.proc.liveness.serverCpuPct}% while their liveness checks ran)`,
      pass: !scaled && idle.connected === idle.connections && idle.proc.idle.serverCpuPct < GRPC_TARGETS.idleCpuPct,
      note,
    });
    out.push({
      target: 'gRPC: every idle connection answers its liveness check and keeps its instance',
      measured: `${idle.detectionsDuringLiveness} checks answered, ${idle.openAtEnd} connections open, ${idle.hostsListed} instances listed`,
      pass: idle.failed === 0 && idle.detectionsDuringIdle === 0 && idle.detectionsDuringLiveness >= idle.connections && idle.openAtEnd === idle.connections && idle.hostsListed === idle.connections,
    });
  }
  const reg = results.grpcRegistrations;
  if (reg) {
    for (const [label, r] of [
      [`pipelined unary InstanceRequests, ${reg.connections} connections x ${reg.pipeline}`, reg.unary],
      [`BatchInstanceRequests of ${reg.batchSize}`, reg.batch],
    ]) {
      const ratio = results.register ? `; ${(r.perSecond / results.register.perSecond).toFixed(2)} x HTTP v1 of this run` : '';
      out.push({ target: `gRPC registrations/s >= ${GRPC_TARGETS.registrationsPerSecond} (${label})`, measured: `${r.perSecond}/s${ratio}`, pass: r.perSecond >= GRPC_TARGETS.registrationsPerSecond && r.failed === 0 });
    }
  }
  const fan = results.grpcFanout;
  if (fan) {
    const scaled = fan.subscribers < GRPC_TARGETS.subscribers;
    out.push({
      target: `gRPC: a change pushed to ${GRPC_TARGETS.subscribers} subscribers, all received and answered, p99 <= ${GRPC_TARGETS.fanoutP99Ms} ms`,
      measured: `${fan.rounds} rounds to ${fan.subscribed} subscribers: p50 ${ms(fan.allReceived.p50Ms)} ms, p99 ${ms(fan.allReceived.p99Ms)} ms, missing ${fan.missing}`,
      pass: !scaled && fan.subscribed === fan.subscribers && fan.missing === 0 && fan.allReceived.p99Ms !== null && fan.allReceived.p99Ms <= GRPC_TARGETS.fanoutP99Ms,
      note: scaled ? `scaled-down run (${fan.subscribers} subscribers): no verdict` : undefined,
    });
  }
  return out;
}

/** Table rows through report.mjs's `add(name, result, latency, proc, rate, ok, errors)`. */
export function addGrpcRows(results, add) {
  const idle = results.grpcIdle;
  if (idle) {
    add(`grpc connect ${idle.connections}`, idle, idle.setupLatency, idle.proc.ramp, idle.setupPerSecond, idle.connected, idle.failed);
    add(`grpc idle ${idle.connected} conn`, idle, null, idle.proc.idle, '-', idle.connected, '-');
    add('grpc liveness checks', idle, null, idle.proc.liveness, Math.round(idle.detectionsDuringLiveness / idle.livenessSeconds), idle.detectionsDuringLiveness, idle.connections - idle.openAtEnd);
  }
  const reg = results.grpcRegistrations;
  if (reg) {
    add(`grpc register ${reg.unary.instances}`, reg.unary, reg.unary.latency, reg.unary.proc, reg.unary.perSecond, reg.unary.ok, reg.unary.failed);
    add(`grpc batch register ${reg.batch.instances}`, reg.batch, reg.batch.latency, reg.batch.proc, reg.batch.perSecond, reg.batch.ok, reg.batch.failed);
  }
  const fan = results.grpcFanout;
  if (fan) add(`grpc fanout ${fan.subscribed} subs`, fan, fan.allReceived, fan.proc, '-', fan.subscribed * fan.rounds - fan.missing, fan.missing);
}

export function grpcNotes(results) {
  const out = [];
  const idle = results.grpcIdle;
  if (idle) {
    out.push(
      `grpc idle: server RSS ${idle.baseRssMb} MB before, ${idle.proc.idle.serverPeakRssMb} MB with ${idle.connected} connections (~${idle.rssPerConnectionKb} KB each); `
        + `busiest second: idle ${idle.proc.idle.perSecond.maxPct} %, liveness ${idle.proc.liveness.perSecond.maxPct} %; --grpc-idle-ms ${idle.idleMs}, touch took ${idle.touchSeconds} s; liveness checks answered: ${idle.detectionsDuringIdle} in the idle window (should be 0), ${idle.detectionsDuringLiveness} after`,
    );
  }
  const reg = results.grpcRegistrations;
  if (reg) {
    const http = results.register ? `; HTTP v1 registration in this run: ${serverUsPer(results.register.proc, results.register.ok)} us` : '';
    out.push(`grpc register: server CPU per instance: unary ${reg.unary.serverUsPerInstance} us, batch ${reg.batch.serverUsPerInstance} us${http}`);
    out.push(`grpc batch register: ${reg.batch.batchesPerSecond} batches/s of ${reg.batchSize}; latency columns are per request (a batch is one request)`);
  }
  const fan = results.grpcFanout;
  if (fan) {
    out.push(
      `grpc fanout: p50/p99/max = ms from sending the change to the last subscriber's receipt, per round; each receipt p50 ${ms(fan.each.p50Ms)} ms, p99 ${ms(fan.each.p99Ms)} ms; `
        + `the change itself answered in p50 ${ms(fan.changeAnswered.p50Ms)} ms; ${fan.pushesReceived} pushes received (${fan.extraPushes} beyond one per subscriber and round, ${fan.warmupRounds} untimed warm-up rounds included)`,
    );
  }
  for (const r of [idle, reg, fan]) if (r) out.push(`${r.scenario}: load average at its end ${r.loadAverage.join(' ')}`);
  return out;
}
