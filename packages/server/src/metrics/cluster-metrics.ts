import type { Member, MemberState } from '@cairn/core';
import { Gauge, type Registry } from 'prom-client';

const STATES: readonly MemberState[] = ['UP', 'SUSPICIOUS', 'DOWN'];

/**
 * `cairn_cluster_members{state}`: the members this node lists, by state, read at scrape time (every state is
 * exported, 0 included, so an alert on `DOWN > 0` needs no absent() guard). Without cluster mode: one member, UP.
 */
export function clusterMetrics(registry: Registry, members: () => readonly Member[]): void {
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
}
