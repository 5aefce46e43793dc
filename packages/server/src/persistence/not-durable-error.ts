/** A request's change did not become durable in time; it stays queued and is retried. */
export class NotDurableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotDurableError';
  }
}
