import { UsageError, type FlagValues } from '../args.js';
import { str, type CliIo } from '../command.js';
import { httpRequest } from '../http.js';
import { parseServerAddress, serverAddressFrom } from '../server-address.js';
import { promptSecret } from './secret-input.js';
import { loginsFile, TokenStore } from './token-store.js';

/** Who a command acts as: the SDK client's options and the parameters of the CLI's own HTTP calls. */
export interface Session {
  sdk: { username?: string; password?: string; accessToken?: string };
  params: Record<string, string>;
}

/** The credentials cannot be used: a refused login, an expired stored one. Printed as is; exit 1. */
export class LoginError extends Error {
  override name = 'LoginError';
}

const NONE: Session = { sdk: {}, params: {} };

/** The token Nacos and Cairn answer a login with when authentication is off. */
export const AUTH_DISABLED = 'AUTH_DISABLED';

/** What a login answered: a token and its lifetime, or (no login API) nothing to log in to. */
export type LoginAnswer = { accessToken: string; ttlSeconds: number } | { noLoginApi: true };

/** `POST <base>/v1/auth/login`; a refusal becomes a LoginError that names the fix and never the password. */
export async function logIn(baseUrl: string, username: string, password: string): Promise<LoginAnswer> {
  const answer = await httpRequest(`${baseUrl}/v1/auth/login`, { method: 'POST', form: { username, password } });
  if (answer.status === 404) return { noLoginApi: true };
  if (answer.status === 401 || answer.status === 403) throw new LoginError(`${baseUrl} refused the login of '${username}': wrong username or password`);
  if (answer.status === 429) throw new LoginError(`${baseUrl} refused the login of '${username}': too many failed logins; ${answer.text.trim()}`);
  const body = answer.json() as { accessToken?: unknown; tokenTtl?: unknown } | undefined;
  if (answer.status !== 200 || typeof body?.accessToken !== 'string') throw new LoginError(`${baseUrl} answered the login with HTTP ${answer.status}: ${answer.text.trim().slice(0, 200)}`);
  return { accessToken: body.accessToken, ttlSeconds: Number(body.tokenTtl) || 18_000 };
}

/** The password for `--username`: `--password` (with a warning), `CAIRN_PASSWORD`, or asked at the terminal. */
export async function passwordOf(flags: FlagValues, io: CliIo): Promise<string> {
  const flag = str(flags, 'password');
  if (flag !== undefined) {
    io.err('cairn: warning: --password is visible to other users of this machine (ps); use CAIRN_PASSWORD or cairn login instead\n');
    return flag;
  }
  if (io.env.CAIRN_PASSWORD !== undefined) return io.env.CAIRN_PASSWORD;
  try {
    return await promptSecret('password: ', (t) => io.err(t));
  } catch {
    throw new UsageError('--username needs a password: set CAIRN_PASSWORD, or run in a terminal to be asked');
  }
}

/**
 * The credentials of a client command: `--username` (logged in once for this command; the SDK also gets the
 * password to log in again), else the stored `cairn login` of this server, else none. An expired stored login is
 * a LoginError that says to log in again.
 */
export async function sessionFor(flags: FlagValues, io: CliIo): Promise<Session> {
  const serverText = serverAddressFrom(str(flags, 'server'), io.env);
  let baseUrl: string;
  try {
    baseUrl = parseServerAddress(serverText).baseUrl;
  } catch {
    return NONE; // the command itself reports the malformed address
  }
  const username = str(flags, 'username');
  if (username === undefined) {
    if (str(flags, 'password') !== undefined) throw new UsageError('--password needs --username');
    return storedSession(io, baseUrl, serverText);
  }
  const password = await passwordOf(flags, io);
  const login = await logIn(baseUrl, username, password);
  if ('noLoginApi' in login) return { sdk: { username, password }, params: { username, password } };
  if (login.accessToken === AUTH_DISABLED) return NONE;
  return { sdk: { username, password, accessToken: login.accessToken }, params: { accessToken: login.accessToken } };
}

function storedSession(io: CliIo, baseUrl: string, serverText: string): Session {
  const stored = new TokenStore(loginsFile(io.env)).get(baseUrl);
  if (stored === undefined) return NONE;
  if (Date.now() >= stored.expiresAt) {
    throw new LoginError(`your login to ${baseUrl} as '${stored.username}' expired at ${new Date(stored.expiresAt).toISOString()}; log in again: cairn login --server ${serverText} --username ${stored.username}`);
  }
  return { sdk: { accessToken: stored.accessToken }, params: { accessToken: stored.accessToken } };
}
