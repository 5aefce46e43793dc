/**
 * The console's sign-in, as pure rules: what a login answer becomes, when to ask for a new login, which refusals
 * mean "log in again", and where to go after the login. The store and the timers are in api/session.ts.
 */

/** What the console keeps of a login (never the password). */
export interface Session {
  token: string;
  username: string;
  admin: boolean;
  /** When the token expires (epoch ms), from the answer's `tokenTtl`. */
  expiresAt: number;
  /** When the console starts asking for a new login: at 90 % of the token's life, as Nacos's clients refresh. */
  renewAt: number;
}

/** Nacos's login answer. */
export interface LoginAnswer {
  accessToken: string;
  tokenTtl: number;
  globalAdmin: boolean;
  username?: string;
}

export function sessionOf(answer: LoginAnswer, username: string, now: number): Session {
  const ttlMs = Math.max(0, answer.tokenTtl) * 1000;
  return { token: answer.accessToken, username: answer.username ?? username, admin: answer.globalAdmin === true, expiresAt: now + ttlMs, renewAt: now + Math.floor(ttlMs * 0.9) };
}

/** A session read back from storage, or undefined when it is malformed or its token has expired. */
export function parseSession(text: string | null, now: number): Session | undefined {
  if (!text) return undefined;
  try {
    const s = JSON.parse(text) as Partial<Session>;
    if (typeof s.token !== 'string' || s.token === '' || typeof s.username !== 'string' || typeof s.expiresAt !== 'number' || typeof s.renewAt !== 'number') return undefined;
    if (s.expiresAt <= now) return undefined;
    return { token: s.token, username: s.username, admin: s.admin === true, expiresAt: s.expiresAt, renewAt: s.renewAt };
  } catch {
    return undefined;
  }
}

/** The server's answers that mean the token no longer names anyone (expired, revoked, signed by another key, user gone). */
const SESSION_REFUSAL = /^(token expired!|token invalid!|Invalid signature|unsupported signature algorithm|user not found!)/;

/** Whether an API's refusal means the user must log in again (as opposed to a refused permission). */
export function needsLogin(status: number, message: string): boolean {
  return status === 403 && SESSION_REFUSAL.test(message);
}

/** Why the login page is shown, in words, from the refusal that sent the user there. */
export function expiryNotice(message: string): string {
  if (message.startsWith('token expired!')) return 'Your session expired. Log in again to continue.';
  if (message.startsWith('user not found!')) return 'Log in to continue.';
  return 'Your session is no longer valid (the password may have changed, or the server restarted with new keys). Log in again to continue.';
}

/** A refused login in words: wrong credentials, or the throttle's wait from `Retry-After`. */
export function loginFailure(status: number, message: string, retryAfter: string | null): string {
  if (status === 429) {
    const seconds = Number(retryAfter);
    const wait = Number.isFinite(seconds) && seconds > 0 ? `${Math.ceil(seconds)} s` : 'a while';
    return `Too many failed logins. Try again in ${wait}.`;
  }
  if (status === 403) return `Wrong username or password (the server said: ${message}).`;
  return message;
}

/**
 * Where to go after logging in: the page that sent the user to the login, if it is one of the console's own
 * pages (an address under the base, never another site or the login page itself); else the services.
 */
export function afterLogin(next: string | null | undefined, base: string): string {
  const home = `${base}/services`;
  if (!next?.startsWith(`${base}/`) || next.startsWith('//') || next.includes('\\')) return home;
  const path = next.slice(base.length);
  if (path.startsWith('//') || path === '/login' || path.startsWith('/login?') || path.startsWith('/login/')) return home;
  return next;
}
