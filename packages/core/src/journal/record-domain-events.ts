import type { AuthEvent } from '../auth/auth-events.js';
import type { InstanceEvent, ServiceEvent } from '../naming/naming-events.js';
import type { ConfigChangedEvent, ConfigClientEvent, ConfigGrayChangedEvent } from '../config/config-events.js';
import { grayExpr } from '../config/gray/gray-model.js';
import type { ConnectionEvent } from '../connections/connection-events.js';
import type { MemberEvent } from '../cluster/member-events.js';
import type { CairnEventBus } from '../domain-events.js';
import type { Unsubscribe } from '../shared/event-bus.js';
import { verifiedUser } from '../naming/service-commands.js';
import type { Evidence, Journal, NewJournalEvent } from './journal.js';

/**
 * The journal's entry for a domain event: the same fields without the bus's `type`. Written out field by field: a
 * rest copy (`const { type, ...entry } = event`) takes V8's slow generic path, and every registration makes one.
 */
export function journalEntryOf(event: InstanceEvent | ServiceEvent): NewJournalEvent {
  if (event.type === 'service') return { at: event.at, cause: event.cause, namespace: event.namespace, group: event.group, service: event.service, evidence: event.evidence };
  const { at, cause, namespace, group, service, cluster, ip, port, ephemeral, healthy, evidence } = event;
  // The shapes the registry publishes, in its key order (a state change, an attempt, an edit).
  if (ephemeral !== undefined && healthy !== undefined) return { at, cause, namespace, group, service, cluster, ip, port, ephemeral, healthy, evidence };
  if (ephemeral !== undefined) return { at, cause, namespace, group, service, cluster, ip, port, ephemeral, evidence };
  if (healthy === undefined) return { at, cause, namespace, group, service, cluster, ip, port, evidence };
  const { type: _type, ...entry } = event;
  return entry;
}

/** The cause a config event is journaled (and counted) under. */
export function configCauseOf(event: ConfigChangedEvent): 'CONFIG_PUBLISHED' | 'CONFIG_REMOVED' | 'CONFIG_ROLLED_BACK' {
  if (event.restored) return 'CONFIG_ROLLED_BACK';
  return event.op === 'D' ? 'CONFIG_REMOVED' : 'CONFIG_PUBLISHED';
}

/**
 * The journal's entry for a config publish or delete: the key (`service` is `""`), and as evidence the op, the new
 * md5 (`""` after a delete), the type, the history id and who made the change (`claimedUser`, and `user` when verified); a rollback adds the
 * restored record and the md5 it replaced.
 */
export function journalEntryOfConfig(event: ConfigChangedEvent): NewJournalEvent {
  const { author, restored } = event;
  return {
    at: event.at,
    cause: configCauseOf(event),
    namespace: event.namespace,
    group: event.group,
    service: '',
    dataId: event.dataId,
    evidence: {
      op: event.op,
      md5: event.md5,
      type: event.history.type,
      historyId: event.historyId,
      from: author.sourceIp,
      agent: author.clientAgent,
      claimedUser: author.claimedUser,
      ...verifiedUser(author),
      ...(restored ? { restoredHistoryId: restored.historyId, restoredMd5: restored.md5, previousMd5: restored.previousMd5 } : {}),
    },
  };
}

const GRAY_CAUSES = { published: 'CONFIG_GRAY_PUBLISHED', stopped: 'CONFIG_GRAY_STOPPED', promoted: 'CONFIG_GRAY_PROMOTED' } as const;

/** The journal's cause for a gray change. */
export function causeOfGrayChange(event: ConfigGrayChangedEvent): (typeof GRAY_CAUSES)[keyof typeof GRAY_CAUSES] {
  return GRAY_CAUSES[event.change];
}

/**
 * The journal's entry for a gray change: the key, and as evidence the gray name, its rule (`kind`, and `betaIps` or
 * `tag`), the op, the gray version's md5 (`""` once gone), the history id, who made the change (`claimedUser`, `user` when verified), and `reason`
 * `config-removed` when the stop came with deleting the config.
 */
export function journalEntryOfGray(event: ConfigGrayChangedEvent): NewJournalEvent {
  const { author, rule } = event;
  return {
    at: event.at,
    cause: causeOfGrayChange(event),
    namespace: event.namespace,
    group: event.group,
    service: '',
    dataId: event.dataId,
    evidence: {
      grayName: event.grayName,
      kind: rule.kind,
      rule: grayExpr(rule),
      op: event.op,
      md5: event.md5,
      historyId: event.historyId,
      from: author.sourceIp,
      agent: author.clientAgent,
      claimedUser: author.claimedUser,
      ...verifiedUser(author),
      ...(event.reason ? { reason: event.reason } : {}),
    },
  };
}

/**
 * The journal's entry for what a config client did (held, notified, fetched): the key, and as evidence who
 * (`from`, `agent`, `tag` when sent), through which route (`via`) and the md5s.
 */
export function journalEntryOfConfigClient(event: ConfigClientEvent): NewJournalEvent {
  const { type: _type, cause, at, namespace, group, dataId, ip, agent, via, tag, ...facts } = event;
  const evidence: Evidence = { from: ip, agent, via, ...(tag === undefined ? {} : { tag }), ...facts };
  if (cause === 'CONFIG_LISTENER_HELD') evidence.current = true;
  return { at, cause, namespace, group, service: '', dataId, evidence };
}

/**
 * The journal's entry for a gRPC connection's start or end: the namespace it set up for, the client's address
 * (`ip`, `port`), and as evidence
 * the connection id, client version, app name, module and when it connected; an end adds how it ended, when the
 * client was last active, with `liveness-unanswered` how long it had been silent, and with `refused` why.
 */
export function journalEntryOfConnection(event: ConnectionEvent): NewJournalEvent {
  const evidence: Evidence = {
    connectionId: event.connectionId,
    clientVersion: event.clientVersion,
    appName: event.appName,
    module: event.module,
    connectedSince: event.connectedSince,
  };
  if (event.cause === 'CONNECTION_CLOSED') {
    evidence.ended = event.ended;
    evidence.lastActive = event.lastActive;
    evidence.connectedMs = event.at - event.connectedSince;
    if (event.silentMs !== undefined) evidence.silentMs = event.silentMs;
    if (event.reason !== undefined) evidence.reason = event.reason;
  }
  return { at: event.at, cause: event.cause, namespace: event.namespace, group: '', service: '', ip: event.ip, port: event.port, evidence };
}

/**
 * The journal's entry for an auth change: no namespace, group or service, and as evidence the names it touched
 * (`username`, `role`, `resource`, `action`; a deleted user's `roles`, a removed role's `usernames` and how many
 * `grants` went with it; a password change's new `tokenGeneration`) and who asked (`from`, `agent`, `claimedUser`, and `user` when verified).
 * Built field by field from names only: nothing secret can reach the journal from an event.
 */
export function journalEntryOfAuth(event: AuthEvent): NewJournalEvent {
  const evidence: Evidence = {};
  switch (event.cause) {
    case 'USER_CREATED':
      evidence.username = event.username;
      if (event.importedFrom !== undefined) evidence.importedFrom = event.importedFrom;
      break;
    case 'USER_ENABLED':
    case 'USER_DISABLED':
      evidence.username = event.username;
      break;
    case 'USER_PASSWORD_CHANGED':
      evidence.username = event.username;
      evidence.tokenGeneration = event.tokenGeneration;
      break;
    case 'USER_DELETED':
      evidence.username = event.username;
      evidence.roles = event.roles.join(',');
      break;
    case 'ROLE_ASSIGNED':
      evidence.role = event.role;
      evidence.username = event.username;
      break;
    case 'ROLE_REMOVED':
      evidence.role = event.role;
      evidence.usernames = event.usernames.join(',');
      evidence.grants = event.grants.length;
      break;
    case 'SIGNING_KEY_ROTATED':
      evidence.kid = event.kid;
      evidence.retired = event.retired.join(',');
      break;
    case 'LOGIN_FAILED':
    case 'LOGIN_THROTTLED':
      evidence.username = event.username;
      evidence.reason = event.reason;
      if (event.retryAfterMs !== undefined) evidence.retryAfterMs = event.retryAfterMs;
      if (event.limitedBy !== undefined) evidence.limitedBy = event.limitedBy;
      break;
    case 'GRANT_ADDED':
    case 'GRANT_REMOVED':
      evidence.role = event.grant.role;
      evidence.resource = event.grant.resource;
      evidence.action = event.grant.action;
      break;
  }
  const { actor } = event;
  Object.assign(evidence, { from: actor.sourceIp, agent: actor.clientAgent, claimedUser: actor.claimedUser, ...verifiedUser(actor) });
  return { at: event.at, cause: event.cause, namespace: '', group: '', service: '', evidence };
}

/**
 * The journal's entry for a cluster member seen DOWN or UP: no namespace, group or service (the admin's to read), and
 * as evidence the member's address, its node id, its state before, how long ago it renewed and its lease.
 */
export function journalEntryOfMember(event: MemberEvent): NewJournalEvent {
  return {
    at: event.at,
    cause: event.cause,
    namespace: '',
    group: '',
    service: '',
    evidence: { address: event.address, node: event.node, previous: event.previous, sinceRenewalMs: event.sinceRenewalMs, leaseMs: event.leaseMs },
  };
}

/**
 * Subscribes the journal to every instance, service, config, config client, connection and auth event on the bus; returns the function that stops it.
 *
 * @example
 *   const bus = new EventBus<CairnEvent>();
 *   const journal = new Journal(DEFAULT_JOURNAL);
 *   const stop = recordDomainEvents(journal, bus);
 */
export function recordDomainEvents(journal: Journal, bus: CairnEventBus): Unsubscribe {
  const record = (event: InstanceEvent | ServiceEvent): void => {
    journal.append(journalEntryOf(event));
  };
  const stops = [
    bus.on('instance', record),
    bus.on('service', record),
    bus.on('config', (event) => journal.append(journalEntryOfConfig(event))),
    bus.on('config-gray', (event) => journal.append(journalEntryOfGray(event))),
    bus.on('configClient', (event) => journal.append(journalEntryOfConfigClient(event))),
    bus.on('connection', (event) => journal.append(journalEntryOfConnection(event))),
    bus.on('auth', (event) => journal.append(journalEntryOfAuth(event))),
    bus.on('member', (event) => journal.append(journalEntryOfMember(event))),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
