/** A compare-and-set publish lost: the stored content no longer has the `casMd5` given. Not retryable as is. */
export class CairnConflictError extends Error {
  override readonly name = 'CairnConflictError';
  readonly code = 'CAIRN_CONFLICT';
  readonly retryable = false;
  constructor(
    message: string,
    readonly dataId: string,
    readonly group: string,
    readonly server?: string,
  ) {
    super(message);
  }
}
