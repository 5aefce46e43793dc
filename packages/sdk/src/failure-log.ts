import type { ClientLogger, FailureKind } from './types.js';

/**
 * Logs the first failure of each kind in an outage and counts the rest, so a registry outage costs a few log
 * lines, not one per beat. Recovery is logged once with how many failures it ended; the next outage logs again.
 */
export class FailureLog {
  private readonly loggedThisOutage = new Set<FailureKind>();
  private outageFailures = 0;

  constructor(
    private readonly logger: ClientLogger,
    private readonly what: string,
    /** Failures by kind; pass a stats record to count into it. */
    readonly counts: Partial<Record<FailureKind, number>> = {},
  ) {}

  failed(kind: FailureKind, error: unknown, fields: Record<string, unknown> = {}): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    this.outageFailures++;
    const message = error instanceof Error ? error.message : String(error);
    if (this.loggedThisOutage.has(kind)) {
      this.logger.debug?.(`${this.what} failed again (${kind}): ${message}`, { ...fields, kind, count: this.counts[kind] });
      return;
    }
    this.loggedThisOutage.add(kind);
    this.logger.warn?.(`${this.what} failed (${kind}): ${message}; retrying, further '${kind}' failures are counted in stats(), not logged`, { ...fields, kind });
  }

  succeeded(fields: Record<string, unknown> = {}): void {
    if (this.outageFailures === 0) return;
    this.logger.info?.(`${this.what} recovered after ${this.outageFailures} failed attempt(s)`, { ...fields, kinds: [...this.loggedThisOutage] });
    this.outageFailures = 0;
    this.loggedThisOutage.clear();
  }
}
