import type { Member } from '@cairn/core';
import { splitAddress } from '../cluster/node-address.js';

/**
 * Nacos's Member JSON for one cluster member (`/v1/core/cluster/nodes`, `/v2/core/cluster/node/list`). `extendInfo`
 * holds what Cairn knows of the member: its latest renewal (`lastRefreshTime`, the database's clock), when this run
 * started, its lease, and its node id (new on every start). Cairn has no Raft, so no `raftPort`; it counts no failed
 * accesses (members are judged by their leases), so `failAccessCnt` is 0.
 */
export function memberJson(member: Member): Record<string, unknown> {
  const { ip, port } = splitAddress(member.address);
  return {
    ip,
    port,
    state: member.state,
    extendInfo: { lastRefreshTime: member.renewedAt, startedAt: member.startedAt, leaseMs: member.leaseMs, cairnNodeId: member.node },
    address: member.address,
    failAccessCnt: 0,
    abilities: {},
  };
}
