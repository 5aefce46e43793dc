// Verdicts and notes of the memory and scale scenarios (bench/scenarios/memory.mjs, scale.mjs), used by report.mjs.

export const MEMORY_TARGETS = { bytesPerInstance: 500, scaleRssMb: 1024, scaleListP99Ms: 5, scalePushP99Ms: 50, scaleReregistrationsPerSecond: 15_000 };

const ms = (v) => (v === null || v === undefined ? '-' : v.toFixed(2));

export function memoryVerdicts(results) {
  const out = [];
  const m = results.memory;
  if (m) {
    const scaled = m.instances < 100_000;
    out.push({
      target: `live heap per ephemeral instance (two-key metadata) <= ${MEMORY_TARGETS.bytesPerInstance} B`,
      measured: `${m.twoKeys.bytesPerUnit} B (with the two timeout keys too: ${m.fourKeys.bytesPerUnit} B)`,
      pass: m.twoKeys.bytesPerUnit <= MEMORY_TARGETS.bytesPerInstance,
      note: scaled ? `scaled-down run (${m.instances} instances)` : undefined,
    });
  }
  const s = results.scale;
  if (s) {
    const scaled = s.instances < 1_000_000;
    const note = scaled ? `scaled-down run (${s.instances} instances)` : undefined;
    out.push({
      target: `scale: server RSS holding the instances <= ${MEMORY_TARGETS.scaleRssMb} MB`,
      measured: `${s.rssMb} MB (peak ${s.peakRssMb} MB)`,
      pass: !scaled && s.peakRssMb <= MEMORY_TARGETS.scaleRssMb && s.registered === s.instances,
      note,
    });
    out.push({
      target: `scale: list of a 100-instance service p99 < ${MEMORY_TARGETS.scaleListP99Ms} ms`,
      measured: `${ms(s.list.latency.p99Ms)} ms 30 s after the last registration${s.listRightAfter ? ` (5 s after: ${ms(s.listRightAfter.latency.p99Ms)} ms)` : ''}`,
      pass: !scaled && s.list.latency.p99Ms < MEMORY_TARGETS.scaleListP99Ms && s.list.failed === 0,
      note,
    });
    out.push({
      target: `scale: registration pushed to a gRPC subscriber p99 < ${MEMORY_TARGETS.scalePushP99Ms} ms`,
      measured: `${ms(s.push.delay.p99Ms)} ms over ${s.push.rounds} rounds`,
      pass: !scaled && s.push.delay.p99Ms < MEMORY_TARGETS.scalePushP99Ms && s.push.missing === 0,
      note,
    });
    out.push({
      target: `scale: re-registrations after a restart >= ${MEMORY_TARGETS.scaleReregistrationsPerSecond}/s`,
      measured: `${s.reregister.perSecond}/s`,
      pass: !scaled && s.reregister.perSecond >= MEMORY_TARGETS.scaleReregistrationsPerSecond && s.reregister.failed === 0,
      note,
    });
  }
  return out;
}

export function memoryNotes(results) {
  const out = [];
  const m = results.memory;
  if (m) {
    const kinds = (step) => `${step.top.map((k) => `${k.kind} ${k.bytes}`).join('; ')}; rest ${step.restBytes}`;
    out.push(`memory: ephemeral instances over ${m.services} services; heap with one instance per service ${m.baseHeapMb} MB`);
    out.push(
      `memory: ${m.fourKeys.instances} with four keys (two + timeouts): ${m.fourKeys.bytesPerUnit} B per instance (heap ${m.fourKeys.heapMb} MB, RSS ${m.fourKeys.rssMb} MB, registered in ${m.fourKeys.registerSeconds} s), by kind (B): ${kinds(m.fourKeys)}`,
    );
    if (m.grpcTwoKeys)
      out.push(
        `memory: ${m.grpcTwoKeys.instances} more with two keys over gRPC (held by their connections; in batches of ${m.grpcTwoKeys.batchSize}, each its own service): ${m.grpcTwoKeys.bytesPerUnit} B per instance (heap ${m.grpcTwoKeys.heapMb} MB), by kind (B): ${kinds(m.grpcTwoKeys)}`,
      );
    out.push(
      `memory: ${m.twoKeys.instances} more with two keys: ${m.twoKeys.bytesPerUnit} B per instance (heap ${m.twoKeys.heapMb} MB, RSS ${m.twoKeys.rssMb} MB, registered in ${m.twoKeys.registerSeconds} s), by kind (B): ${kinds(m.twoKeys)}`,
    );
  }
  const s = results.scale;
  if (s) {
    out.push(
      `scale: ${s.instances} instances over ${s.services} services in gRPC batches of ${s.batchSize}: registered ${s.registered} at ${s.registerPerSecond}/s; RSS ${s.rssMb} MB held (peak ${s.peakRssMb} MB), server node flags ${s.nodeFlags.join(' ')}`,
    );
    out.push(
      `scale: list of a ${s.batchSize}-instance service 30 s after the last registration: p50 ${ms(s.list.latency.p50Ms)} ms, p99 ${ms(s.list.latency.p99Ms)} ms over ${s.list.ok}${s.listRightAfter ? `; 5 s after: p50 ${ms(s.listRightAfter.latency.p50Ms)} ms, p99 ${ms(s.listRightAfter.latency.p99Ms)} ms` : ''}; push to a subscriber: p50 ${ms(s.push.delay.p50Ms)} ms, p99 ${ms(s.push.delay.p99Ms)} ms, max ${ms(s.push.delay.maxMs)} ms`,
    );
    out.push(`scale: after kill + restart on the same data folder (started in ${s.restartSeconds} s): ${s.reregister.ok} re-registered in ${s.reregister.seconds} s = ${s.reregister.perSecond}/s, ${s.reregister.failed} failed`);
  }
  return out;
}
