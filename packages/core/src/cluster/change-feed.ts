/**
 * Cluster mode's change log, as the nodes read it. Every durable write on any node appends, in its own
 * transaction, one or more changes naming the keys it wrote (a config's key, a service's key, …); each change has a
 * number from the database, in commit order, never a timestamp. A node applies the changes of the others in that
 * order by reading those keys again from the database, so a lost or repeated change costs a re-read, never a wrong
 * state.
 */
export interface ClusterChange {
  /** The change's number: increasing in commit order across the cluster, without gaps between committed changes. */
  readonly seq: number;
  /** The node that wrote it. */
  readonly node: string;
  /** The context whose keys it names (`naming`, `config`, `auth`, `namespaces`). */
  readonly context: string;
  /** The keys written, in the context's own JSON form. */
  readonly keys: readonly unknown[];
  /** When it was written (the writing node's clock; for display only, never for ordering). */
  readonly at: number;
}

/** What a node tells the change log about one write: which context, which keys. */
export interface ChangeNote {
  readonly context: string;
  readonly keys: readonly unknown[];
}

export interface ChangeFeed {
  /** The number of the latest committed change (0 when there is none). */
  latest(): Promise<number>;
  /** Changes after `seq`, oldest first, at most `limit`. */
  since(seq: number, limit: number): Promise<ClusterChange[]>;
  /**
   * Calls `wake` whenever another node may have committed a change (PostgreSQL's LISTEN/NOTIFY). Resolves to a
   * function that stops listening, or to undefined when the database cannot notify (MySQL: the reader polls).
   */
  listen(wake: () => void, onLost: (error: Error) => void): Promise<(() => Promise<void>) | undefined>;
  /** Deletes changes older than `before` (ms), keeping the latest one so that `latest()` stays right. */
  prune(before: number): Promise<number>;
}
