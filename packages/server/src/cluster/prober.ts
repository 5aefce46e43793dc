import type { Member } from '@cairn/core';

/**
 * Rendezvous (highest random weight) hashing: the node among `nodes` that handles `key`. Every node that holds
 * the same list picks the same node, whatever the list's order; when a node joins, only the keys it now wins
 * move (about 1/N of them), and when one leaves, only its keys move, each to the next in its own ranking.
 * Undefined for an empty list.
 *
 * @example
 *   rendezvous('public##DEFAULT_GROUP@@web#127.0.0.1:8080', ['a1', 'b2', 'c3']); // 'b2', on every node
 */
export function rendezvous(key: string, nodes: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const node of nodes) {
    const score = weight(node, key);
    // Ties (rare with 32 bits) go to the smaller id, so the order of the list never matters.
    if (score > bestScore || (score === bestScore && best !== undefined && node < best)) {
      best = node;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Cluster mode: the probe scheduler's question "does this node probe `key`?". The candidates are the node ids of
 * the members listed UP, plus this node (it probes while its own lease is still being read); every node reads the
 * same member rows, so they agree, and a prober that dies (its lease lapses: DOWN) leaves its instances to the
 * next in their ranking without any coordination.
 */
export function probedHere(self: string, members: () => readonly Member[]): (key: string) => boolean {
  return (key) => {
    const candidates = [self];
    for (const m of members()) if (m.state === 'UP' && m.node !== self) candidates.push(m.node);
    return rendezvous(key, candidates) === self;
  };
}

/** FNV-1a over the node id, a separator and the key, then Murmur3's finalizer so that nearby inputs spread. */
function weight(node: string, key: string): number {
  let h = 0x811c9dc5;
  h = fnv(h, node);
  h = Math.imul(h, 0x01000193) >>> 0; // the separator: 'ab' + 'c' and 'a' + 'bc' weigh differently
  h = fnv(h, key);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv(seed: number, text: string): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
