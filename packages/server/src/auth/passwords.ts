import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * Password hashes. Cairn hashes with scrypt (`scrypt$N$r$p$salt$hash`, base64 parts); BCrypt hashes (`$2a$…`,
 * `$2b$…`, `$2y$…`), as Nacos stores them, are verified so imported users keep their passwords, and
 * `needsRehash` tells the caller to store a scrypt hash after the next successful login.
 */

// 2^15 iterations of scrypt with r=8 take about 100 ms on one core here and 32 MB of memory: slow for a
// guesser, cheap for a login (verified credentials are cached by the caller, so beats never pay it).
const SCRYPT = { N: 32_768, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
/** Longer passwords are refused rather than hashed: an unbounded input is an unbounded CPU cost. */
export const MAX_PASSWORD_BYTES = 1024;

/** A new password shorter than this is refused (counted in characters, not bytes). */
export const MIN_PASSWORD_CHARS = 8;

/**
 * What is wrong with a password about to be set, in words that never repeat it (`has fewer than 8 characters`),
 * or undefined when it may be set.
 */
export function newPasswordProblem(password: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_CHARS) return `has fewer than ${MIN_PASSWORD_CHARS} characters; choose a longer one`;
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return `is over ${MAX_PASSWORD_BYTES} bytes; choose a shorter one`;
  return undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `password` matches `stored`; false for a hash in no known form (never throws for one). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return false;
  if (/^\$2[aby]\$\d\d\$/.test(stored)) return bcrypt.compare(password, stored);
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  // Bounds keep a tampered row from asking for gigabytes.
  if (!(N >= 2 && N <= 2 ** 20 && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16 && expected.length >= 16)) return false;
  const key = await derive(password, salt, { N, r, p }, expected.length);
  return timingSafeEqual(key, expected);
}

/** Whether a stored hash should be replaced by a fresh `hashPassword` once the password is known. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(`scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$`);
}

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }, bytes = KEY_BYTES): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password, salt, bytes, options, (err, key) => (err ? reject(err) : resolve(key))));
}
