/** One event of Cairn's journal as `/nacos/v1/cairn/events` and the diagnosis answer it. */
export interface JournalEventJson {
  seq: number;
  /** Epoch milliseconds, and the same time as ISO-8601 in `time`. */
  at: number;
  time: string;
  /** A cause code (docs/journal.md), and its meaning in `description`. */
  cause: string;
  description: string;
  namespace: string;
  group: string;
  /** `""` on config events. */
  service: string;
  /** Config events only: with `namespace` and `group`, the config's key. */
  dataId?: string;
  cluster?: string;
  ip?: string;
  port?: number;
  ephemeral?: boolean;
  healthy?: boolean;
  evidence: Record<string, string | number | boolean | null>;
}
