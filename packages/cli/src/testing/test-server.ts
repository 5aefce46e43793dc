import { FakeTime } from '@cairn/testkit';
import { createServer, hashPassword, resolveOptions, type CairnServer, type Options } from '@cairn/server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  server: CairnServer;
  /** Base URL with the context path, e.g. http://127.0.0.1:40123/nacos */
  url: string;
  time: FakeTime | undefined;
  close(): Promise<void>;
}

/**
 * A real server in this process, on a random loopback port, for the CLI (run as a child process) to talk to.
 * With `fakeTime: true` its lifecycle runs on a FakeTime the test advances by hand (HTTP still runs for real),
 * so a page's `sleep 31` costs nothing.
 */
export async function startTestServer(overrides: Options = {}, settings: { fakeTime?: boolean; adminPassword?: string } = {}): Promise<TestServer> {
  // With auth on (authEnabled: true), the first admin is `nacos` with `adminPassword`, default TEST_ADMIN_PASSWORD.
  const ownDir = overrides.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'cairn-cli-test-')) : undefined;
  const options = resolveOptions({ port: 0, host: '127.0.0.1', logLevel: 'silent', healthCheckEnabled: false, dataDir: ownDir, shutdownTimeoutMs: 1_000, ...overrides });
  const time = settings.fakeTime ? new FakeTime(Date.now()) : undefined;
  const server = await createServer({ options, clock: time, alarm: time, adminPassword: settings.adminPassword ?? TEST_ADMIN_PASSWORD });
  const url = await server.listen();
  return {
    server,
    url,
    time,
    async close() {
      await server.close();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/** The first admin's password on test servers started with auth on. */
export const TEST_ADMIN_PASSWORD = 'cli-test-admin-password';

const TEST_ACTOR = { sourceIp: '127.0.0.1', clientAgent: 'test', claimedUser: 'nacos' };

/** Creates a user on an auth server; with `read`, a role of its own that may read those resources (e.g. `:DEFAULT_GROUP:naming/orders`). */
export async function addUser(ts: TestServer, username: string, password: string, read: string[] = []): Promise<void> {
  const auth = ts.server.ctx.auth;
  auth.createUser(username, await hashPassword(password), TEST_ACTOR);
  if (read.length === 0) return;
  auth.assignRole(`role-${username}`, username, TEST_ACTOR);
  for (const resource of read) auth.addGrant({ role: `role-${username}`, resource, action: 'r' }, TEST_ACTOR);
}

/** `fetch` of a path under the base URL; returns status and text. */
export async function call(base: string, method: string, path: string, body?: Record<string, string>): Promise<{ status: number; text: string; json: () => any }> {
  const init: RequestInit = { method };
  if (body) {
    init.body = new URLSearchParams(body).toString();
    init.headers = { 'content-type': 'application/x-www-form-urlencoded' };
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}
