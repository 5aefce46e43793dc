import { ranges } from './worker-pool.mjs';

/**
 * Every generator process opens its share of `settings.grpcConnections` connections, then instances
 * [from, from + count) are sent in BatchInstanceRequests of `batchSize` (each batch a service of its own,
 * `<prefix>batch-<n>`), `settings.grpcPipeline` in flight per connection. `onStart` runs once the connections are
 * set up, before the first batch. The connections stay open (they hold the instances) until 'grpc-close-all'.
 */
export async function registerInBatches({ settings, pool }, grpcPort, { from = 0, count, batchSize, prefix, metadata, timeoutMs = 300_000, onStart }) {
  const perWorker = Math.max(1, Math.ceil(settings.grpcConnections / settings.workers));
  await pool.runAll(
    pool.workers.map((_, w) => ({ task: 'grpc-register', port: grpcPort, connections: perWorker, sourceAddresses: settings.grpcSourceAddresses, firstConnection: w * perWorker })),
    120_000,
    'grpc-ready',
  );
  onStart?.();
  const batches = Math.ceil(count / batchSize);
  const results = await pool.runAll(
    ranges(batches, settings.workers).map(([a, b]) => ({ task: 'grpc-register-go', from: from + a * batchSize, to: from + Math.min(count, b * batchSize), batchSize, pipeline: settings.grpcPipeline, prefix, metadata })),
    timeoutMs,
    'grpc-done',
  );
  const ok = results.reduce((a, r) => a + r.ok, 0);
  const seconds = (Math.max(...results.map((r) => r.endedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
  return { ok, failed: results.reduce((a, r) => a + r.failed, 0), firstError: results.find((r) => r.firstError)?.firstError ?? null, seconds, perSecond: Math.round(ok / seconds) };
}
