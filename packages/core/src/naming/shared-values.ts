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
