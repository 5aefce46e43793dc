import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A login kept for one server: the token, whose it is and until when the server takes it. */
export interface StoredLogin {
  username: string;
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** `$XDG_CONFIG_HOME/cairn/logins.json`, else `~/.config/cairn/logins.json`. */
export function loginsFile(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME?.trim() ? env.XDG_CONFIG_HOME : join(env.HOME ?? env.USERPROFILE ?? '.', '.config');
  return join(base, 'cairn', 'logins.json');
}

/**
 * The logins of `cairn login`, one per server base URL, in a file only the user can read and write (0600, in a
 * 0700 folder), written to a temp file and renamed so a crash never leaves half a file.
 */
export class TokenStore {
  constructor(readonly file: string) {}

  get(server: string): StoredLogin | undefined {
    return this.all()[server];
  }

  set(server: string, login: StoredLogin): void {
    this.write({ ...this.all(), [server]: login });
  }

  /** Forgets the login for `server`; answers whether there was one. */
  remove(server: string): boolean {
    const all = this.all();
    if (all[server] === undefined) return false;
    delete all[server];
    this.write(all);
    return true;
  }

  private all(): Record<string, StoredLogin> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return {};
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, StoredLogin>) : {};
    } catch {
      return {};
    }
  }

  private write(all: Record<string, StoredLogin>): void {
    const dir = join(this.file, '..');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.file);
  }
}
