import type { AuthStore, SigningKey } from '@cairn/core';
import { randomBytes } from 'node:crypto';
import { MIN_SECRET_BYTES, secretProblem, type TokenKey } from './tokens.js';

/** The keys tokens are checked against (by kid), and the one new tokens are signed with. */
export interface SigningKeys {
  readonly current: TokenKey;
  readonly byKid: ReadonlyMap<string, TokenKey>;
}

/**
 * The signing keys from stored rows: every key verifies, the oldest (then the smallest kid) signs, so nodes that
 * each added a key at the same first start all sign with the same one. A stored key that must not be used (too
 * short, Nacos's published default) stops the start with the reason. Undefined when there is no key.
 */
export function signingKeysOf(rows: readonly SigningKey[]): SigningKeys | undefined {
  const byKid = new Map<string, TokenKey>();
  for (const row of rows) {
    const secret = Buffer.from(row.secret, 'base64');
    const problem = secretProblem(secret);
    if (problem) throw new Error(`the stored token signing key '${row.kid}' cannot be used: ${problem}; delete it from the auth_signing_keys table and restart (a new random key is made)`);
    byKid.set(row.kid, { kid: row.kid, secret });
  }
  const oldest = [...rows].sort((a, b) => a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0))[0];
  return oldest ? { current: byKid.get(oldest.kid) as TokenKey, byKid } : undefined;
}

/** A fresh key: a random kid and 32 random bytes. No default secret exists anywhere. */
export function newSigningKey(now: number, random: (bytes: number) => Buffer = randomBytes): SigningKey {
  return { kid: random(8).toString('hex'), secret: random(MIN_SECRET_BYTES).toString('base64'), createdAt: now };
}

/**
 * The keys to use, making the first one when the store has none: adds a random key, then reads the keys back, so
 * that when another node added its own at the same time both sign with the oldest (the store keeps every key).
 *
 * @example
 *   const keys = await ensureSigningKeys(stores.auth, (await stores.auth.loadAuth()).keys, Date.now());
 */
export async function ensureSigningKeys(store: Pick<AuthStore, 'loadAuth' | 'addSigningKey'>, stored: readonly SigningKey[], now: number): Promise<SigningKeys> {
  const known = signingKeysOf(stored);
  if (known) return known;
  await store.addSigningKey(newSigningKey(now));
  const keys = signingKeysOf((await store.loadAuth()).keys);
  if (!keys) throw new Error('the token signing key was added but the store does not return it');
  return keys;
}
