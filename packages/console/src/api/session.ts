import { useSyncExternalStore } from 'react';
import { type Session, parseSession } from '../logic/session.js';

/**
 * Who is signed in, for this browser tab. The token lives in sessionStorage: it survives a reload and a link
 * opened in the same tab (a token held in memory only would ask for a login at every reload), and it goes when
 * the tab closes; it is never in localStorage (shared by every tab, kept after the browser closes) nor in a
 * cookie (sent by the browser on its own, so cross-site requests would carry it). The password is never kept: when
 * the token nears its end the console asks for a new login instead of logging in behind the user's back.
 */

const KEY = 'cairn.session';

export interface SessionState {
  session: Session | undefined;
  /** Whether the server asks for a login: from its state, or learned from a refusal; undefined until known. */
  authRequired: boolean | undefined;
  /** Why the login page shows (an expired or revoked token, a logout). */
  notice: string | undefined;
}

let state: SessionState = { session: load(), authRequired: undefined, notice: undefined };
const listeners = new Set<() => void>();

function load(): Session | undefined {
  try {
    return parseSession(sessionStorage.getItem(KEY), Date.now());
  } catch {
    return undefined;
  }
}

function save(session: Session | undefined): void {
  try {
    if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled: the session lives in memory for this page only
  }
}

function set(next: Partial<SessionState>): void {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

export const sessionStore = {
  get: (): SessionState => state,

  /** The token to send, if any. */
  token: (): string | undefined => state.session?.token,

  /** What the server's state says about auth. With auth off nobody signs in: a stale session is dropped. */
  setAuthRequired(required: boolean): void {
    if (!required && state.session) save(undefined);
    set(required ? { authRequired: true } : { authRequired: false, session: undefined });
  },

  signedIn(session: Session): void {
    save(session);
    set({ session, notice: undefined, authRequired: true });
  },

  /** Forgets the token (a logout, an expired or refused one); the login page shows `notice`. */
  end(notice: string): void {
    save(undefined);
    set({ session: undefined, notice, authRequired: true });
  },

  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useSession(): SessionState {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}
