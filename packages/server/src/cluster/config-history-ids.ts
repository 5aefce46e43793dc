import { ReservedHistoryIds, type CairnStores } from '@cairn/core';
import type { Logger } from 'pino';

/**
 * Cluster mode's config history ids: blocks reserved in the shared database (the first one before the node serves),
 * so that two nodes never number alike. Undefined on a standalone node, which keeps counting in memory.
 */
export async function clusterHistoryIds(stores: CairnStores, log: Logger): Promise<ReservedHistoryIds | undefined> {
  if (!stores.changes) return undefined;
  const ids = new ReservedHistoryIds(
    (n) => stores.config.reserveHistoryIds(n),
    (err) => log.warn({ err }, 'cluster: reserving config history ids failed; retrying at the next publish'),
  );
  await ids.start();
  return ids;
}
