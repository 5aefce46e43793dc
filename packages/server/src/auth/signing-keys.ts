import type { AuthStore, SigningKey } from '@cairn/core';
import { createHash, randomBytes } from 'node:crypto';
import { isPublishedSecret, MIN_SECRET_BYTES, secretProblem, type TokenKey } from './tokens.js';

/** One key as an admin may see it: never its secret. */
export interface SigningKeyView {
  kid: string;
  /** Epoch ms; absent for the configured key. */
  createdAt?: number;
  /** When a rotation retired it (epoch ms). */
  retiredAt?: number;
  /** When it stops verifying and is removed: its retirement plus the token lifetime. */
  expiresAt?: number;
  /** New tokens are signed with it. */
  signing: boolean;
  /** It is the secret set in CAIRN_TOKEN_SECRET, not a stored key. */
  configured: boolean;
}

/** The keys tokens are checked against (by kid), and the one new tokens are signed with. */
export interface SigningKeys {
  readonly current: TokenKey;
  readonly byKid: ReadonlyMap<string, TokenKey>;
  /** The stored keys still verifying (with their secrets: never shown). */
  readonly stored: readonly SigningKey[];
  /** The earliest time (epoch ms) a retired key stops verifying; Infinity when no key is retired. */
  readonly nextExpiry: number;
  readonly views: readonly SigningKeyView[];
}

/** How keys are used beyond what the store holds. */
export interface KeySettings {
  /** The secret set in CAIRN_TOKEN_SECRET: it signs, and stored keys still verify. */
  readonly configured?: TokenKey;
  /** How long a retired key keeps verifying: the token lifetime (default: for ever). */
  readonly tokenTtlMs?: number;
}

/** Why CAIRN_TOKEN_SECRET cannot be used; the message never holds the secret. */
export class TokenSecretError extends Error {
  override name = 'TokenSecretError';
}

const BASE64 = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;

/**
 * The signing key of a configured secret (CAIRN_TOKEN_SECRET, Base64 as Nacos's `token.secret.key`). Only
 * Base64 is accepted (standard or URL-safe alphabet, padding optional), never raw text: a text that happens to be
 * valid Base64 would otherwise mean two different keys. Refuses a secret that is not Base64, decodes to fewer
 * than 32 bytes, or is Nacos's published default. The kid is a hash of the secret, so every node configured with
 * the same secret names it alike and nothing about the secret is given away.
 *
 * @example
 *   configuredSigningKey(randomBytes(32).toString('base64')) // { kid: 'cfg-3f1c…', secret: <32 bytes> }
 */
export function configuredSigningKey(text: string): TokenKey {
  const value = text.trim();
  const hint = '(make one with `openssl rand -base64 32`)';
  // Nacos's default is 69 characters, not valid Base64: it is named as what it is.
  if (isPublishedSecret(Buffer.from(value))) throw new TokenSecretError(`CAIRN_TOKEN_SECRET cannot be used: ${secretProblem(Buffer.from(value))} ${hint}`);
  if (value === '') throw new TokenSecretError('CAIRN_TOKEN_SECRET cannot be used: it is empty (unset it for a random stored key, or make one with `openssl rand -base64 32`)');
  if (!BASE64.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
    throw new TokenSecretError(`CAIRN_TOKEN_SECRET cannot be used: it is not Base64 ${hint}`);
  }
  const secret = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  const problem = secretProblem(secret);
  if (problem) throw new TokenSecretError(`CAIRN_TOKEN_SECRET cannot be used: ${problem} ${hint}`);
  return { kid: `cfg-${createHash('sha256').update('cairn token key id\u0000').update(secret).digest('hex').slice(0, 16)}`, secret };
}

/**
 * The signing keys from stored rows at `now`. Every key verifies until `tokenTtlMs` after its retirement (it is
 * left out from then on). The configured secret signs when there is one; else the oldest key in use (then the
 * smallest kid) signs. Oldest, not newest: nodes that each added a key at the same first start all sign with the
 * same one, whichever of the keys each had seen when it read back; a rotation retires every other key in use, so
 * its new key is then the only one. A stored key that must not be used (too short, Nacos's published default)
 * stops the start with the reason. Undefined when no key can sign.
 */
export function signingKeysOf(rows: readonly SigningKey[], now = 0, settings: KeySettings = {}): SigningKeys | undefined {
  const ttl = settings.tokenTtlMs ?? Number.POSITIVE_INFINITY;
  const byKid = new Map<string, TokenKey>();
  const stored: SigningKey[] = [];
  let nextExpiry = Number.POSITIVE_INFINITY;
  for (const row of rows) {
    if (row.retiredAt !== undefined && row.retiredAt + ttl <= now) continue;
    const secret = Buffer.from(row.secret, 'base64');
    const problem = secretProblem(secret);
    if (problem) throw new Error(`the stored token signing key '${row.kid}' cannot be used: ${problem}; delete it from the auth_signing_keys table and restart (a new random key is made)`);
    byKid.set(row.kid, { kid: row.kid, secret });
    stored.push(row);
    if (row.retiredAt !== undefined) nextExpiry = Math.min(nextExpiry, row.retiredAt + ttl);
  }
  const inUse = stored.filter((r) => r.retiredAt === undefined).sort((a, b) => a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0))[0];
  const current = settings.configured ?? (inUse && byKid.get(inUse.kid));
  if (!current) return undefined;
  if (settings.configured) byKid.set(settings.configured.kid, settings.configured);
  const views: SigningKeyView[] = stored.map((r) => ({
    kid: r.kid,
    createdAt: r.createdAt,
    ...(r.retiredAt !== undefined && { retiredAt: r.retiredAt, expiresAt: r.retiredAt + ttl }),
    signing: r.kid === current.kid,
    configured: false,
  }));
  if (settings.configured) views.unshift({ kid: settings.configured.kid, signing: true, configured: true });
  return { current, byKid, stored, nextExpiry, views };
}

/** A fresh key: a random kid and 32 random bytes. No default secret exists anywhere. */
export function newSigningKey(now: number, random: (bytes: number) => Buffer = randomBytes): SigningKey {
  return { kid: random(8).toString('hex'), secret: random(MIN_SECRET_BYTES).toString('base64'), createdAt: now };
}

/**
 * The keys to use, making the first one when `stored` (read just before) has none and no secret is configured: adds
 * a random key, then reads the keys back, so that when another node added its own at the same time both sign with
 * the oldest (in a cluster, a node that read back before the other's key was stored learns of it from the change
 * log, and turns to the oldest then).
 *
 * @example
 *   const keys = await ensureSigningKeys(stores.auth, await stores.auth.readSigningKeys(), Date.now());
 */
export async function ensureSigningKeys(store: Pick<AuthStore, 'readSigningKeys' | 'addSigningKey'>, stored: readonly SigningKey[], now: number, settings: KeySettings = {}): Promise<SigningKeys> {
  const known = signingKeysOf(stored, now, settings);
  if (known) return known;
  await store.addSigningKey(newSigningKey(now));
  return readBack(store, now, settings);
}

/**
 * Rotates: stores a new random key, which signs from now on, and retires every other key in use (each verifies
 * the tokens it signed until they expire). Returns the keys read back.
 */
export async function rotateSigningKeys(store: Pick<AuthStore, 'readSigningKeys' | 'rotateSigningKey'>, now: number, settings: KeySettings = {}): Promise<SigningKeys> {
  await store.rotateSigningKey(newSigningKey(now));
  return readBack(store, now, settings);
}

async function readBack(store: Pick<AuthStore, 'readSigningKeys'>, now: number, settings: KeySettings): Promise<SigningKeys> {
  const keys = signingKeysOf(await store.readSigningKeys(), now, settings);
  if (!keys) throw new Error('the token signing key was added but the store does not return it');
  return keys;
}
