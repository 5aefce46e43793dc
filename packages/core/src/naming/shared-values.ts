/**
 * Values that many instances hold alike (metadata such as `{"app":"shop","zone":"a"}`, cluster names, client
 * addresses and agents) are kept once and shared: each request parses its own copy, and a million instances would
 * otherwise keep a million copies. Each table is bounded; when it fills up (every client different), it starts over,
 * so the cost is never more than without it.
 */
const MAX_SHARED = 10_000;
/** Metadata larger than this (keys, or characters as JSON) is kept as registered: it is rarely repeated. */
const MAX_SHARED_METADATA_KEYS = 16;
const MAX_SHARED_METADATA_CHARS = 512;

const strings = new Map<string, string>();
const metadatas = new Map<string, Readonly<Record<string, string>>>();

/** The one kept copy of `value`. */
export function sharedString(value: string): string {
  const known = strings.get(value);
  if (known !== undefined) return known;
  if (strings.size >= MAX_SHARED) strings.clear();
  strings.set(value, value);
  return value;
}

/**
 * The one kept (frozen) copy of metadata equal to `metadata`, keys in the same order. Instance metadata is replaced
 * as a whole, never changed in place, so instances can share it.
 */
export function sharedMetadata(metadata: Record<string, string>): Record<string, string> {
  // Frozen metadata is a kept copy already (knownMetadata handed it out) or was frozen by its owner: either way it
  // never changes, so it is shared as it is, without writing it out again.
  if (Object.isFrozen(metadata)) return metadata;
  let keys = 0;
  for (const _ in metadata) if (++keys > MAX_SHARED_METADATA_KEYS) return metadata;
  const json = JSON.stringify(metadata);
  if (json.length > MAX_SHARED_METADATA_CHARS) return metadata;
  const known = metadatas.get(json);
  if (known !== undefined) return known as Record<string, string>;
  if (metadatas.size >= MAX_SHARED) metadatas.clear();
  Object.freeze(metadata);
  metadatas.set(json, metadata);
  return metadata;
}

/**
 * The kept copy of metadata whose JSON text is exactly `json` (compact, keys in the order they were kept), or
 * undefined. A client sends the same metadata text with every registration: found here, it is neither parsed nor
 * written out again. The copy is frozen; it still passes the same validation as a freshly parsed one.
 */
export function knownMetadata(json: string): Readonly<Record<string, string>> | undefined {
  return metadatas.get(json);
}
