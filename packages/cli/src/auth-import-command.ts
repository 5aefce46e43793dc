import type { NacosAuthImportResult, NacosAuthRows } from '@cairn/server';
import { adminHeaders } from './auth-command.js';
import { EXIT_FAILED, EXIT_OK, str, type CliIo, type Command } from './command.js';
import { reportFailure, successBody } from './failures.js';
import { apiUrl, httpRequest } from './http.js';
import { parseServerAddress, serverAddressFrom } from './server-address.js';
import { printJson } from './table.js';

// An import hashes nothing but checks each imported admin against Nacos's seed password (a BCrypt compare each).
const IMPORT_TIMEOUT_MS = 120_000;

export const authImportNacosCommand: Command = {
  words: ['auth', 'import-nacos'],
  summary: 'import users (with their BCrypt hashes), roles and permissions from a Nacos database into a running server',
  details: `Reads Nacos's users, roles and permissions tables (MySQL or PostgreSQL; nothing is written there)
and sends them to the server, which must be running; with auth on, log in as an admin with --username
(the password in CAIRN_PASSWORD rather than --password). Users keep their Nacos
passwords. A user the server has already is skipped with its roles, never overwritten; every skipped
row is listed with the reason. Nacos admins (ROLE_ADMIN) stay admins.

Example:
  CAIRN_PASSWORD=… cairn auth import-nacos --username nacos --from mysql://nacos:secret@127.0.0.1:3306/nacos`,
  // --username and --password are global flags; this command logs in itself and sends the token in a header.
  credentials: 'own',
  flags: [{ name: 'from', kind: 'string', value: 'URL', help: "Nacos's database: mysql://user:pass@host:port/db or postgres://…", required: true }],
  async run(flags, io) {
    const server = serverAddressFrom(str(flags, 'server'), io.env);
    try {
      const { baseUrl } = parseServerAddress(server);
      const tables = await readTables(String(flags.from), io);
      if (tables === undefined) return EXIT_FAILED;
      const headers = await adminHeaders(baseUrl, str(flags, 'username'), str(flags, 'password') ?? io.env.CAIRN_PASSWORD);
      const answer = successBody(await httpRequest(apiUrl(baseUrl, '/v1/cairn/auth/import'), { method: 'POST', json: tables, headers, timeoutMs: IMPORT_TIMEOUT_MS }));
      const result = (answer as { data: NacosAuthImportResult }).data;
      io.out(flags.json === true ? printJson(result) : describeImport(result));
      return EXIT_OK;
    } catch (error) {
      return reportFailure(io, 'auth import-nacos', error, server);
    }
  },
};

/** The Nacos tables, or undefined after printing why they cannot be read (the URL's password is never shown). */
async function readTables(from: string, io: CliIo): Promise<NacosAuthRows | undefined> {
  // The drivers live in the server's storage package; loaded only here, so no other command pays for them.
  const { readNacosAuthTables } = await import('@cairn/server');
  try {
    return await readNacosAuthTables(from);
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'StorageUrlError' && name !== 'StorageUnavailableError') throw error;
    io.err(`cairn auth import-nacos: --from: ${(error as Error).message}\n`);
    return undefined;
  }
}

function describeImport(r: NacosAuthImportResult): string {
  const lines = [
    `users imported: ${r.users.imported.length}${r.users.imported.length > 0 ? ` (${r.users.imported.join(', ')})` : ''}`,
    `roles assigned: ${r.roles.assigned}`,
    `permissions added: ${r.permissions.added}${r.permissions.present > 0 ? ` (${r.permissions.present} were there already)` : ''}`,
  ];
  for (const s of r.users.skipped) lines.push(`skipped user ${s.username}: ${s.reason}`);
  for (const s of r.roles.skipped) lines.push(`skipped role ${s.role} of ${s.username}: ${s.reason}`);
  for (const s of r.permissions.skipped) lines.push(`skipped permission ${s.role} ${s.resource} ${s.action}: ${s.reason}`);
  for (const name of r.seedPassword) lines.push(`warning: admin '${name}' still has Nacos's seed password 'nacos'; change it (PUT /nacos/v1/auth/users)`);
  return `${lines.join('\n')}\n`;
}
