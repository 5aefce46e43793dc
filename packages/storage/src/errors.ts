/** The database holds a schema from a newer Cairn: refusing it is safer than misreading it. */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';

  constructor(
    readonly current: number,
    readonly latest: number,
    where: string,
  ) {
    super(`the database schema of ${where} is version ${current}, newer than this server understands (${latest}): ` + 'upgrade Cairn or use another database');
  }
}

/** The database cannot be reached or opened; the message names where (never with a password). */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}

/** A storage URL that names no supported database or is malformed. */
export class StorageUrlError extends Error {
  override readonly name = 'StorageUrlError';
}

/** Cluster mode asked of an embedded SQLite file: nodes share their data only through a database server. */
export class ClusterNeedsSharedDatabaseError extends Error {
  override readonly name = 'ClusterNeedsSharedDatabaseError';

  constructor() {
    super('cluster mode needs a database every node reaches: start each node with --db postgres://user:password@host:5432/db or --db mysql://user:password@host:3306/db (SQLite is a file of one node)');
  }
}

// Failures of the network path to the database, as opposed to the database refusing us.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'PROTOCOL_CONNECTION_LOST']);

/** The error code of a driver or socket failure; Node reports a failed multi-address connect as an AggregateError. */
export function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: unknown[] } | null;
  if (e && typeof e.code === 'string' && e.code !== '') return e.code;
  if (e && Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  return undefined;
}

/**
 * Turns a failure while opening a networked store into one clear error, e.g.
 * `cannot reach mysql at 127.0.0.1:3306: ECONNREFUSED`. `secret` (the password) is cut out of anything echoed.
 */
export function openFailure(error: unknown, kind: string, address: string, database: string, secret: string): Error {
  if (error instanceof SchemaTooNewError || error instanceof StorageUnavailableError) return error;
  const code = errorCode(error);
  const hide = (text: string) => (secret === '' ? text : text.split(secret).join('***'));
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return new StorageUnavailableError(`cannot reach ${kind} at ${address}: ${code}`, { cause: error });
  }
  if (/timeout/i.test(String((error as Error)?.message))) {
    return new StorageUnavailableError(`cannot reach ${kind} at ${address}: ETIMEDOUT (${hide(String((error as Error).message))})`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StorageUnavailableError(`cannot open ${kind} database "${database}" at ${address}: ${code ? `${code}: ` : ''}${hide(message)}`, { cause: error });
}
