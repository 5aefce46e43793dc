import { createServer, hashPassword, resolveOptions, type CairnServer, type Options } from '@cairn/server';
import { FakeTime, freePortPair } from '@cairn/testkit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The first admin of an auth server started here. */
export const ADMIN = { username: 'nacos', password: 'sdk-test-admin-password' } as const;

export interface AuthServer {
  server: CairnServer;
  /** `127.0.0.1:<port>`, as a client's `serverAddresses` entry (gRPC on port + 1000). */
  address: string;
  /** Base URL with the context path. */
  url: string;
  time: FakeTime | undefined;
  /** Sets a user's password in the server's auth directory (its earlier tokens are then refused). */
  changePassword(username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real server in this process with authentication on (first admin `ADMIN`), on a loopback port whose + 1000 is
 * its gRPC port. With `fakeTime` its clock (token expiry included) moves only when the test advances it.
 */
export async function startAuthServer(overrides: Options = {}, settings: { fakeTime?: boolean } = {}): Promise<AuthServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-sdk-auth-'));
  const port = await freePortPair();
  const options = resolveOptions({ port, host: '127.0.0.1', logLevel: 'silent', healthCheckEnabled: false, authEnabled: true, dataDir, ...overrides });
  const time = settings.fakeTime ? new FakeTime(Date.now()) : undefined;
  const server = await createServer({ options, clock: time, alarm: time, adminPassword: ADMIN.password });
  const url = await server.listen();
  return {
    server,
    address: `127.0.0.1:${port}`,
    url,
    time,
    async changePassword(username, password) {
      server.ctx.auth.changePassword(username, await hashPassword(password), { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: 'nacos' });
    },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
