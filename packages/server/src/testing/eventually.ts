import assert from 'node:assert/strict';

/** The bound for a change on one cluster node to be seen on the others. */
export const ACROSS_NODES_MS = 1_000;

/**
 * Polls `read` until `ok` holds for what it returns (by default: until it returns true), and returns that value;
 * fails naming `what` and the last value when `withinMs` passes first. For "seen within a deadline" checks only:
 * how fast something happened belongs in the bench.
 *
 * @example
 *   await eventually('instance on node B', () => hosts(b), (h) => h.length === 1);
 *   await eventually('login on B', async () => (await login(b)).status === 200);
 */
export async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean = (value) => value === true, withinMs = ACROSS_NODES_MS): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) assert.fail(`${what}: not seen within ${withinMs} ms; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
