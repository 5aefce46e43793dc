import type { Payload } from '@cairn/api';

/** The JSON body of a client's answer on the stream, or undefined when it is not a JSON object. */
export function decodeResponseBody(payload: Payload): Record<string, unknown> | undefined {
  try {
    const body = JSON.parse(payload.body) as unknown;
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A client's words kept with its connection are cut at this many characters. */
export const MAX_FACT_CHARS = 256;
/** Labels kept per connection: a client sends a handful (`module`, `source`, `AppName`, …). */
export const MAX_LABELS = 32;

export function clip(text: string): string {
  return text.length > MAX_FACT_CHARS ? text.slice(0, MAX_FACT_CHARS) : text;
}

/**
 * Labels of a ConnectionSetupRequest as strings (the client sends `module`, `source`, `AppName`, …): they live as
 * long as the connection, so at most MAX_LABELS of them are kept, keys and values clipped.
 */
export function labelsOf(body: Record<string, unknown>): Record<string, string> {
  const labels: Record<string, string> = {};
  if (body.labels === null || typeof body.labels !== 'object') return labels;
  let kept = 0;
  for (const [k, v] of Object.entries(body.labels as Record<string, unknown>)) {
    if (typeof v !== 'string') continue;
    if (kept++ === MAX_LABELS) break;
    labels[clip(k)] = clip(v);
  }
  return labels;
}

/** `ip:port` or `[v6]:port` as grpc-js names a call's peer. */
export function splitPeer(peer: string): { ip: string; port: number } {
  const colon = peer.lastIndexOf(':');
  const host = colon < 0 ? peer : peer.slice(0, colon);
  return { ip: host.replace(/^\[|\]$/g, ''), port: colon < 0 ? 0 : Number(peer.slice(colon + 1)) || 0 };
}
