import { CairnAuthError, CairnConfigError, CairnRequestError } from '@cairn/sdk';
import { EXIT_FAILED, EXIT_USAGE, type CliIo } from './command.js';
import { NoAnswerError, type HttpAnswer } from './http.js';
import { AddressError } from './server-address.js';

/** The server answered, but not with success: its status and its own words. */
export class ServerRefusedError extends Error {
  override name = 'ServerRefusedError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON body of a 200 answer; anything else throws ServerRefusedError with the server's message. */
export function successBody(answer: HttpAnswer): unknown {
  const body = answer.json();
  if (answer.status === 200 && body !== undefined) return body;
  // v2 style errors carry the detail in `data`; v1 ones are plain text.
  const detail = (body as { data?: unknown } | undefined)?.data;
  const text = typeof detail === 'string' ? detail : answer.text.trim();
  throw new ServerRefusedError(answer.status, answer.status === 200 ? 'the answer is not JSON' : text || `HTTP ${answer.status}`);
}

/**
 * Prints a failure the user can act on (one line and a hint) and returns the exit code (2 for a malformed
 * --server, 1 for the rest); rethrows anything else, which main prints with its stack as a bug.
 */
export function reportFailure(io: CliIo, command: string, error: unknown, server: string): number {
  const doctor = `run 'cairn doctor --server ${server}' to find out why`;
  if (error instanceof AddressError) {
    io.err(`cairn ${command}: --server: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof NoAnswerError) {
    io.err(`cairn ${command}: no answer from ${server}: ${error.message}\n${doctor}\n`);
  } else if (error instanceof ServerRefusedError && error.status === 403 && error.message.includes('no credentials')) {
    // A command that reads Cairn's own endpoints directly (service, events) met a server that requires a login.
    io.err(`cairn ${command}: the server requires credentials: log in with 'cairn login --server ${server} --username USER' (or pass --username, the password in CAIRN_PASSWORD)\n`);
  } else if (error instanceof ServerRefusedError) {
    io.err(`cairn ${command}: the server refused (HTTP ${error.status}): ${error.message}\n${error.status === 404 ? `${doctor}\n` : ''}`);
  } else if (error instanceof CairnConfigError) {
    io.err(`cairn ${command}: ${error.message}\n${doctor}\n`);
  } else if (error instanceof CairnAuthError) {
    io.err(`cairn ${command}: ${authProblem(error, server)}\n`);
  } else if (error instanceof CairnRequestError) {
    const refused = error.kind === 'client-error';
    // The SDK keeps the first 300 characters of an error body; show that the rest was cut.
    const body = error.body && error.body.length >= 300 ? `${error.body}…` : error.body;
    io.err(`cairn ${command}: ${refused && body ? `the server refused (HTTP ${error.status}): ${body}` : error.message}\n${refused && error.status !== 404 ? '' : `${doctor}\n`}`);
  } else {
    throw error;
  }
  return EXIT_FAILED;
}

/** What the user should do about a refusal of the credentials. Never shows a password or token. */
function authProblem(error: CairnAuthError, server: string): string {
  const login = `cairn login --server ${server} --username USER`;
  switch (error.reason) {
    case 'credentials-required':
      return `the server requires credentials: log in with '${login}' (or pass --username, the password in CAIRN_PASSWORD)`;
    case 'wrong-credentials':
      return 'wrong username or password: the server refused the login';
    case 'throttled':
      return `too many failed logins: the server checks no password for ${Math.ceil((error.retryAfterMs ?? 0) / 1000)} s`;
    case 'token-refused':
      return `the server refused the kept login (${error.body ?? 'expired or revoked'}): log in again with '${login}'`;
    default:
      return `the server refused (HTTP ${error.status}): ${error.body ?? error.message}; the user lacks the permission: ask an administrator to grant it`;
  }
}
