import type { Instance } from '../types.js';

export interface InstanceDiff {
  added: Instance[];
  removed: Instance[];
  changed: Instance[];
}

const keyOf = (i: Instance) => `${i.ip}:${i.port}`;

function sameState(a: Instance, b: Instance): boolean {
  if (a.healthy !== b.healthy || a.weight !== b.weight || a.enabled !== b.enabled || a.ephemeral !== b.ephemeral || a.clusterName !== b.clusterName) return false;
  const ak = Object.keys(a.metadata);
  return ak.length === Object.keys(b.metadata).length && ak.every((k) => a.metadata[k] === b.metadata[k]);
}

/** What changed from `before` to `after`; instances are matched by ip:port (one instance per address in a service). */
export function diffInstances(before: readonly Instance[], after: readonly Instance[]): InstanceDiff {
  const old = new Map(before.map((i) => [keyOf(i), i]));
  const added: Instance[] = [];
  const changed: Instance[] = [];
  for (const i of after) {
    const prev = old.get(keyOf(i));
    if (!prev) added.push(i);
    else if (!sameState(prev, i)) changed.push(i);
    old.delete(keyOf(i));
  }
  return { added, removed: [...old.values()], changed };
}

export function isEmptyDiff(d: InstanceDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}
