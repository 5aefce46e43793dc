import { isStandIn } from '../cluster/stand-in.js';
import type { ConnectionClient } from '../naming/model.js';
import type { ReadonlyInstance } from '../naming/readonly-model.js';
import { claimed, clockTime } from './format.js';
import type { JournalEvent } from './journal.js';

/**
 * A span as people say it: `45 s`, `12 min 5 s`, `3 h 12 min`, `2 d 4 h` (rounded down to its two largest units).
 *
 * @example
 *   span(11_520_000) // '3 h 12 min'
 */
export function span(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const units: [number, string][] = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor(s / 3600) % 24, 'h'],
    [Math.floor(s / 60) % 60, 'min'],
    [s % 60, 's'],
  ];
  const first = units.findIndex(([n]) => n > 0);
  if (first === -1) return '0 s';
  return units
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
}

/** `1733_10.0.0.7_52110 (Nacos-Java-Client:v2.3.2, app orders)`. */
export function connectionName(id: string, agent: string | null, appName: string | null): string {
  return `${id} (${agent || 'client version not sent'}${appName ? `, app ${appName}` : ''})`;
}

/** How a connection ended and what that says about its client, from a CONNECTION_INSTANCE_REMOVED event's evidence. */
export function connectionEnding(e: JournalEvent): string {
  const ev = e.evidence;
  const lived = `after ${span(Number(ev.connectedForMs))} connected`;
  switch (ev.endedBy) {
    case 'LIVENESS_UNANSWERED':
      return `it answered no liveness check for ${typeof ev.silentMs === 'number' ? span(ev.silentMs) : 'the detection time'} ${lived}; the client process stopped or lost its network`;
    case 'CLIENT_CLOSED':
      return `the client closed its connection ${lived}: it shut down or deregistered`;
    case 'RESET':
      return `the connection was reset ${lived} without a clean close${ev.detail ? ` (${ev.detail})` : ''}: the client process was killed or the network between it and this server broke`;
    case 'RESET_REQUESTED':
      return `an operator asked its client to reconnect (ConnectResetRequest) ${lived}; the client registers again on its new connection`;
    case 'SERVER_SHUTDOWN':
      return `this server shut down ${lived}; the client registers again when it reconnects to a server`;
    default:
      return `it ended (${ev.endedBy}) ${lived}`;
  }
}

/**
 * The diagnosis of an instance removed with its connection.
 *
 * @example
 *   explainConnectionRemoval(event)
 *   // 'Removed at 10:02:31 when connection 1733_10.0.0.7_52110 (Nacos-Java-Client:v2.3.2, app orders) ended: it answered no
 *   //  liveness check for 20 s after 3 h 12 min connected; the client process stopped or lost its network.'
 */
export function explainConnectionRemoval(e: JournalEvent): string {
  const ev = e.evidence;
  return `Removed at ${clockTime(e.at)} when connection ${connectionName(String(ev.connectionId), ev.agent as string | null, ev.appName as string | null)} ended: ${connectionEnding(e)}.`;
}

/** Why an HTTP deregistration left a connection-held instance in place. */
export function ignoredDeregistration(e: JournalEvent): string {
  const who = e.evidence.agent ? `${e.evidence.from} (${e.evidence.agent})` : String(e.evidence.from);
  return `A deregistration at ${clockTime(e.at)} by ${e.evidence.via} from ${who}${claimed(e)} did not remove it: a gRPC connection holds it, and only that connection's deregistration or its end removes it.`;
}

/** How a present instance a connection holds is alive, or undefined when no connection holds it. */
export function heldClause(instance: ReadonlyInstance, now: number): string | undefined {
  const connections = [...(instance.holders?.connections ?? [])];
  if (connections.length === 0) return undefined;
  const standIn = connections.find(isStandIn);
  if (standIn) {
    return `owned by cluster node ${standIn.ip} (its client beats or connects there); this node follows what that node stores, so it stays while that node keeps it and goes when that node removes it, or expires it on its own timeouts if that node stops renewing its lease.`;
  }
  const [first] = connections.sort((a, b) => a.connectedAt - b.connectedAt);
  const others = connections.length > 1 ? ` and ${connections.length - 1} other connection${connections.length > 2 ? 's' : ''}` : '';
  const beats = instance.holders?.beats ? '; HTTP heartbeats for it arrive too and keep it once the connections end' : '';
  return `held by connection ${describe(first)} from ${first.ip}, connected ${span(now - first.connectedAt)} ago${others}; it lives as long as a connection holding it, without heartbeats${beats}.`;
}

function describe(client: ConnectionClient): string {
  return connectionName(client.connectionId, client.clientVersion, client.appName ?? null);
}
