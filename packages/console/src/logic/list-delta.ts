/** What changed between two polls of a list: rows that appeared, changed or left get a brief highlight. */

export interface ListDelta {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Compares two lists by key; `fingerprint` says what counts as a change (e.g. health and enabled, not the
 * ever-moving last-beat time).
 */
export function listDelta<T>(prev: readonly T[], next: readonly T[], key: (t: T) => string, fingerprint: (t: T) => string): ListDelta {
  const before = new Map(prev.map((t) => [key(t), fingerprint(t)]));
  const after = new Set<string>();
  const delta: ListDelta = { added: [], changed: [], removed: [] };
  for (const t of next) {
    const k = key(t);
    after.add(k);
    const old = before.get(k);
    if (old === undefined) delta.added.push(k);
    else if (old !== fingerprint(t)) delta.changed.push(k);
  }
  for (const k of before.keys()) if (!after.has(k)) delta.removed.push(k);
  return delta;
}

export function isEmptyDelta(d: ListDelta): boolean {
  return d.added.length === 0 && d.changed.length === 0 && d.removed.length === 0;
}
