import type { ConnectionClient } from '../naming/model.js';

/**
 * Cluster mode: the agent of the stand-in connection through which a node holds the ephemeral instances another
 * node owns (the server's cluster/stand-ins.ts makes them; read models name the owning node instead of a client).
 */
export const STAND_IN_AGENT = 'cairn-node';

/** Whether a holder is another node's stand-in (its `ip` is that node's address). */
export function isStandIn(holder: ConnectionClient): boolean {
  return holder.clientVersion === STAND_IN_AGENT;
}
