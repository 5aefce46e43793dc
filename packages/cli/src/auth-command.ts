import { UsageError } from './args.js';
import { EXIT_OK, str, type CliIo, type Command } from './command.js';
import { reportFailure, successBody } from './failures.js';
import { httpRequest } from './http.js';
import { parseServerAddress, serverAddressFrom } from './server-address.js';
import type { FlagValues } from './args.js';
import { formatTable, printJson } from './table.js';

interface KeyView {
  kid: string;
  createdAt?: number;
  retiredAt?: number;
  expiresAt?: number;
  signing: boolean;
  configured: boolean;
}

interface KeysAnswer {
  signing: string;
  keys: KeyView[];
}

/**
 * The headers of an admin request: logs in first when a username is given and carries the token in a header, so
 * no URL (and no access log) holds it.
 */
export async function adminHeaders(baseUrl: string, username: string | undefined, password: string | undefined): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  if (username !== undefined) {
    const login = successBody(await httpRequest(`${baseUrl}/v1/auth/login`, { method: 'POST', form: { username, password: password ?? '' } })) as { accessToken?: unknown };
    if (typeof login.accessToken === 'string') headers.authorization = `Bearer ${login.accessToken}`;
  }
  return headers;
}

/**
 * Runs one admin request to the signing key routes: logs in first when --username is given and sends the token,
 * then prints the keys.
 */
async function keysRequest(name: string, method: 'GET' | 'POST', path: string, flags: FlagValues, io: CliIo): Promise<number> {
  const username = str(flags, 'username');
  const password = str(flags, 'password') ?? io.env.CAIRN_PASSWORD;
  if (str(flags, 'password') !== undefined && username === undefined) throw new UsageError('--password needs --username');
  const server = serverAddressFrom(str(flags, 'server'), io.env);
  try {
    const { baseUrl } = parseServerAddress(server);
    const headers = await adminHeaders(baseUrl, username, password);
    const answer = successBody(await httpRequest(`${baseUrl}${path}`, { method, headers })) as KeysAnswer;
    io.out(flags.json === true ? printJson(answer) : formatKeys(answer));
    return EXIT_OK;
  } catch (error) {
    return reportFailure(io, name, error, server);
  }
}

export const authKeysCommand: Command = {
  words: ['auth', 'keys'],
  summary: 'list the token signing keys (admin): which one signs, which are retired and when they expire',
  details: `Never shows a secret. Times are UTC.

Example:
  CAIRN_PASSWORD=… cairn auth keys --username nacos`,
  // --username and --password are global flags; this command logs in itself and sends the token in a header.
  credentials: 'own',
  flags: [],
  run: (flags, io) => keysRequest('auth keys', 'GET', '/v1/cairn/auth/keys', flags, io),
};

export const authRotateKeyCommand: Command = {
  words: ['auth', 'rotate-key'],
  summary: 'rotate the token signing key (admin): a new random key signs; tokens signed before keep working until they expire',
  details: `The keys it replaces verify the tokens they signed until those expire (the token lifetime,
--token-ttl-seconds of the server), then they are removed. Refused while the server has CAIRN_TOKEN_SECRET set.

Example:
  CAIRN_PASSWORD=… cairn auth rotate-key --username nacos`,
  // --username and --password are global flags; this command logs in itself and sends the token in a header.
  credentials: 'own',
  flags: [],
  run: (flags, io) => keysRequest('auth rotate-key', 'POST', '/v1/cairn/auth/keys/rotate', flags, io),
};

function formatKeys(answer: KeysAnswer): string {
  const time = (ms: number | undefined) =>
    ms === undefined
      ? '-'
      : new Date(ms)
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, '');
  const table = formatTable(
    ['kid', 'state', 'created (UTC)', 'retired (UTC)', 'expires (UTC)'],
    answer.keys.map((k) => [k.kid, k.configured ? 'signing (CAIRN_TOKEN_SECRET)' : k.signing ? 'signing' : 'retired', time(k.createdAt), time(k.retiredAt), time(k.expiresAt)]),
  );
  return `${table}\n${answer.keys.length} key${answer.keys.length === 1 ? '' : 's'}; new tokens are signed with ${answer.signing}\n`;
}
