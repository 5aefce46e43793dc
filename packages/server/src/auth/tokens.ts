import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Access tokens: JWTs signed with HMAC-SHA256, as Nacos issues them (`{"sub": user, "exp": seconds}`), so clients
 * that read `exp` keep working. Cairn adds `kid` to the header (which key signed it, so keys can rotate),
 * and `iat` and `gen` (the user's token generation) to the payload, so a password change revokes older tokens.
 * Clients treat tokens as opaque strings, so the additions cost no compatibility.
 */

export interface TokenClaims {
  /** The username. */
  sub: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Issued at, epoch seconds. */
  iat: number;
  /** The user's token generation when it was issued. */
  gen: number;
}

/** A signing key: its id and secret bytes. */
export interface TokenKey {
  kid: string;
  secret: Buffer;
}

export type TokenFailure = 'malformed' | 'unsupported-algorithm' | 'unknown-key' | 'bad-signature' | 'expired';
export type TokenCheck = { ok: true; claims: TokenClaims; kid: string } | { ok: false; failure: TokenFailure };

/** The fewest secret bytes accepted: HS256 needs a key at least as long as its output. */
export const MIN_SECRET_BYTES = 32;

// The secret Nacos shipped as its default until 2.2.0.1 (base64 text, used decoded): anyone could forge tokens with it.
export const NACOS_PUBLISHED_SECRET = 'SecretKey012345678901234567890123456789012345678901234567890123456789';

const PUBLISHED_PROBLEM = "it is Nacos's published default secret, with which anyone can forge tokens";

/** Why a configured secret must not be used, or undefined when it may. */
export function secretProblem(secret: Buffer): string | undefined {
  if (isPublishedSecret(secret)) return PUBLISHED_PROBLEM;
  if (secret.length < MIN_SECRET_BYTES) return `it has ${secret.length} bytes; HS256 needs at least ${MIN_SECRET_BYTES}`;
  return undefined;
}

/** Whether the secret is Nacos's published default, as its text or decoded. */
export function isPublishedSecret(secret: Buffer): boolean {
  return secret.equals(Buffer.from(NACOS_PUBLISHED_SECRET, 'base64')) || secret.equals(Buffer.from(NACOS_PUBLISHED_SECRET));
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * Signs claims with a key.
 *
 * @example
 *   signToken({ sub: 'nacos', iat: 1_700_000_000, exp: 1_700_018_000, gen: 0 }, key) // 'eyJ….eyJ….…'
 */
export function signToken(claims: TokenClaims, key: TokenKey): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: key.kid }));
  const body = b64url(JSON.stringify({ sub: claims.sub, iat: claims.iat, exp: claims.exp, gen: claims.gen }));
  return `${head}.${body}.${mac(`${head}.${body}`, key.secret).toString('base64url')}`;
}

/** Checks a token's form, key, signature (in constant time) and expiry at `nowMs`; says which failed. */
export function checkToken(token: string, keys: ReadonlyMap<string, TokenKey>, nowMs: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 4096) return { ok: false, failure: 'malformed' };
  const [head, body, signature] = parts;
  const header = parseJson(head);
  const claims = parseJson(body);
  if (!header || !claims) return { ok: false, failure: 'malformed' };
  if (header.alg !== 'HS256') return { ok: false, failure: 'unsupported-algorithm' };
  const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (!key) return { ok: false, failure: 'unknown-key' };
  const expected = mac(`${head}.${body}`, key.secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, failure: 'bad-signature' };
  const { sub, exp, iat, gen } = claims;
  if (typeof sub !== 'string' || !Number.isFinite(exp) || !Number.isFinite(iat) || !Number.isInteger(gen)) return { ok: false, failure: 'malformed' };
  if ((exp as number) * 1000 <= nowMs) return { ok: false, failure: 'expired' };
  return { ok: true, kid: key.kid, claims: { sub, exp: exp as number, iat: iat as number, gen: gen as number } };
}

function mac(data: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
