import type { Member, MemberState } from '@cairn/core';
import { Gauge, type Registry } from 'prom-client';

/** What the change applier tells of itself (cluster mode). */
export interface ChangeLogStatus {
  position: number;
  applied: number;
  failing: string | null;
  reloads: number;
}

const STATES: readonly MemberState[] = ['UP', 'SUSPICIOUS', 'DOWN'];

/**
 * `cairn_cluster_members{state}`: the members this node lists, by state, read at scrape time (every state is
 * exported, 0 included, so an alert on `DOWN > 0` needs no absent() guard). Without cluster mode: one member, UP.
 */
export function clusterMetrics(registry: Registry, members: () => readonly Member[], changes?: () => ChangeLogStatus): void {
  new Gauge({
    name: 'cairn_cluster_members',
    help: 'Cluster members this node lists, by state (UP, SUSPICIOUS, DOWN)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts = new Map<string, number>(STATES.map((s) => [s, 0]));
      for (const m of members()) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  // Read at scrape time from the applier: counters that only grow, and whether reading the log fails now. Without
  // cluster mode there is no log: every one is 0.
  const read = (pick: (s: ChangeLogStatus) => number) =>
    function (this: Gauge) {
      this.set(changes ? pick(changes()) : 0);
    };
  new Gauge({ name: 'cairn_cluster_change_position', help: 'Number of the last change of the cluster change log this node has applied', registers: [registry], collect: read((s) => s.position) });
  new Gauge({ name: 'cairn_cluster_changes_applied', help: "Other nodes' changes this node has applied since it started", registers: [registry], collect: read((s) => s.applied) });
  new Gauge({ name: 'cairn_cluster_change_log_failing', help: '1 while reading the change log fails (the database is unreachable), else 0', registers: [registry], collect: read((s) => (s.failing === null ? 0 : 1)) });
  new Gauge({ name: 'cairn_cluster_reloads', help: 'Times this node missed pruned changes and read everything again', registers: [registry], collect: read((s) => s.reloads) });
}
