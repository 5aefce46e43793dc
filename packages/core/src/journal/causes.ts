/**
 * Why an instance or service changed state. Stable strings: they are the API (`cause=` filter), metric labels
 * and the table in docs/journal.md, which a test checks against this list.
 */
export const CAUSES = {
  INSTANCE_REGISTERED: 'a client or operator registered the instance',
  INSTANCE_REREGISTERED: 'an existing instance was registered again (fields may have changed)',
  INSTANCE_RECREATED_FROM_BEAT: 'a heartbeat arrived for an unknown instance and the instance was re-created from it',
  INSTANCE_DEREGISTERED: 'the instance was removed by a deregistration request',
  INSTANCE_EDITED: 'an operator changed enabled, weight or metadata (kept across expiry and re-registration)',
  BEAT_MISSED: 'no heartbeat within the timeout: the instance was marked unhealthy',
  BEAT_RESUMED: 'a heartbeat arrived for an unhealthy instance: it is healthy again',
  BEAT_LATE: 'a heartbeat arrived later than 1.5x its interval: the client paused or its network stalled',
  INSTANCE_EXPIRED: 'no heartbeat within the delete timeout: the instance was removed',
  CONNECTION_INSTANCE_REMOVED: 'the gRPC connection that held the instance ended (evidence.endedBy says how): it was removed at once',
  DEREGISTRATION_IGNORED: 'an HTTP deregistration named an instance a gRPC connection holds: it stays until the connection lets go',
  HEALTH_MARKED: 'an operator marked a persistent instance healthy or unhealthy by hand',
  PROBE_FAILED: 'a server-side health probe of a persistent instance failed (once a minute while it stays unhealthy)',
  PROBE_RECOVERED: 'server-side health probes of an unhealthy persistent instance passed again: it is healthy again',
  BEAT_UNKNOWN_INSTANCE: 'a heartbeat without instance data named an instance the registry does not have (answered 20404)',
  REGISTRATION_REJECTED: 'a registration was refused; evidence.reason says why',
  SERVICE_CREATED: 'a service was created',
  SERVICE_CREATE_REJECTED: 'an explicit service creation was refused by a limit; evidence.reason says why',
  SERVICE_UPDATED: 'a service definition (threshold, metadata, selector, cluster) changed',
  SERVICE_REMOVED: 'a service was deleted by request',
  SERVICE_EXPIRED_EMPTY: 'a service stayed without instances for its empty-service time and was cleaned up',
  PROTECT_THRESHOLD_REACHED: 'the healthy share fell to or below the protect threshold: queries now return all instances',
  PROTECT_THRESHOLD_CLEARED: 'the healthy share rose above the protect threshold again',
  CONFIG_PUBLISHED: 'a config was created or replaced (evidence.op I or U); evidence.md5 is its new fingerprint',
  CONFIG_REMOVED: 'a config was deleted by request',
  CONFIG_ROLLED_BACK: 'a config was rolled back: the version of a history record was published again (evidence.restoredHistoryId)',
  CONFIG_GRAY_PUBLISHED: 'a gray version (beta: listed client IPs; tag: clients sending the tag) was created or replaced',
  CONFIG_GRAY_STOPPED: 'a gray version was stopped (deleted) by request, or because its config was deleted',
  CONFIG_GRAY_PROMOTED: 'a gray version was promoted: its content became the main version and the gray version is gone',
  CONFIG_LISTENER_HELD: 'a client long-polls a config with its current md5 (once per client and key until it changes)',
  CONFIG_LISTENER_NOTIFIED: 'a client long-polling a config was answered that it changed (at once if its md5 was stale)',
  CONFIG_FETCHED: 'a client read a config and was served this md5 (once per client and key for each md5 served)',
  CONNECTION_OPENED: 'a gRPC client opened its connection (its stream and ConnectionSetupRequest arrived)',
  CONNECTION_CLOSED: 'a gRPC connection ended; evidence.ended says how (client-closed, reset, liveness-unanswered, server-shutdown, reset-requested, or refused: its setup was refused, evidence.reason says why)',
  SIGNING_KEY_ROTATED: 'an admin rotated the token signing key: evidence.kid signs from now on; evidence.retired lists the retired keys that still verify the tokens they signed',
  LOGIN_FAILED: 'a login or request credentials were refused (evidence.username, evidence.reason: unknown-user, bad-password or disabled; the client is told only that they are wrong)',
  LOGIN_THROTTLED: 'logins were refused with 429 after repeated failures (evidence.limitedBy: user or address, evidence.retryAfterMs); recorded once per wait',
  USER_CREATED: 'a user was created (evidence.username)',
  USER_PASSWORD_CHANGED: "a user's password was changed: its earlier tokens are refused (evidence.tokenGeneration)",
  USER_ENABLED: 'a disabled user was enabled again',
  USER_DISABLED: 'a user was disabled: every permission check refuses it',
  USER_DELETED: 'a user was deleted, with the roles it held (evidence.roles)',
  ROLE_ASSIGNED: 'a user was given a role (evidence.role, evidence.username)',
  ROLE_REMOVED: 'a role was taken from a user, or removed whole with its grants (evidence.usernames, evidence.grants)',
  GRANT_ADDED: 'a role was granted an action (r, w or rw) on a resource pattern',
  GRANT_REMOVED: 'a grant of an action on a resource pattern was taken from a role',
  OWNER_CHANGED:
    'cluster mode: another node owns the ephemeral instance now (evidence.reason: client-moved, its client beats or connects there; owner-lost, its owner node stopped renewing its lease and evidence.to took over its expiry, counted from evidence.lastRenewedAt)',
  MEMBER_DOWN: 'a cluster member turned DOWN: its lease lapsed, or it shut down and gave the lease back (evidence.leaseMs 0)',
  MEMBER_UP: 'a cluster member is UP: it joined, restarted at its address, or renews its lease again',
} as const;

export type Cause = keyof typeof CAUSES;

export function isCause(value: string): value is Cause {
  return Object.hasOwn(CAUSES, value);
}
