import { UsageError } from '../args.js';
import { bool, EXIT_FAILED, EXIT_OK, str, type Command } from '../command.js';
import { NoAnswerError } from '../http.js';
import { parseServerAddress, serverAddressFrom } from '../server-address.js';
import { firstLineOfStdin } from './secret-input.js';
import { AUTH_DISABLED, LoginError, logIn, passwordOf } from './session.js';
import { loginsFile, TokenStore } from './token-store.js';

export const loginCommand: Command = {
  words: ['login'],
  credentials: 'own',
  summary: 'log in to a server and keep its token for the other commands',
  details: `The password comes from --password-stdin, CAIRN_PASSWORD, or is asked without echo. The token is kept
per server in $XDG_CONFIG_HOME/cairn/logins.json (default ~/.config/cairn/logins.json), readable only by you.

Example:
  cairn login --server 127.0.0.1:8848 --username nacos`,
  flags: [{ name: 'password-stdin', kind: 'bool', help: 'read the password from the first line of stdin' }],
  async run(flags, io) {
    const username = str(flags, 'username');
    if (username === undefined) throw new UsageError("flag '--username' is required");
    const serverText = serverAddressFrom(str(flags, 'server'), io.env);
    const { baseUrl } = parseServerAddress(serverText);
    const password = bool(flags, 'password-stdin') ? await firstLineOfStdin() : await passwordOf(flags, io);
    try {
      const login = await logIn(baseUrl, username, password);
      if ('noLoginApi' in login) {
        io.err(`cairn login: ${baseUrl} has no login API; pass --username to each command instead\n`);
        return EXIT_FAILED;
      }
      if (login.accessToken === AUTH_DISABLED) {
        io.out(`${baseUrl} does not require a login (authentication is off); nothing stored\n`);
        return EXIT_OK;
      }
      const store = new TokenStore(loginsFile(io.env));
      store.set(baseUrl, { username, accessToken: login.accessToken, expiresAt: Date.now() + login.ttlSeconds * 1000 });
      io.out(`logged in to ${baseUrl} as '${username}' until ${new Date(Date.now() + login.ttlSeconds * 1000).toISOString()} (token kept in ${store.file})\n`);
      return EXIT_OK;
    } catch (error) {
      if (error instanceof LoginError || error instanceof NoAnswerError) {
        io.err(`cairn login: ${error.message}\n`);
        return EXIT_FAILED;
      }
      throw error;
    }
  },
};

export const logoutCommand: Command = {
  words: ['logout'],
  credentials: 'own',
  summary: 'forget the token of a server kept by cairn login',
  flags: [],
  async run(flags, io) {
    const { baseUrl } = parseServerAddress(serverAddressFrom(str(flags, 'server'), io.env));
    const removed = new TokenStore(loginsFile(io.env)).remove(baseUrl);
    io.out(removed ? `logged out of ${baseUrl}\n` : `no login kept for ${baseUrl}\n`);
    return EXIT_OK;
  },
};
