import { FakeTime, type CairnStores } from '@cairn/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { hashPassword } from '../auth/passwords.js';
import { createServer, type CairnServer, type ServerParts } from '../app.js';
import { resolveOptions, type Options } from '../config/options.js';
import type { GrpcSettings } from '../transports/grpc/grpc-settings.js';
import { freePortPair } from './free-port-pair.js';

export interface TestServer {
  server: CairnServer;
  /** Base URL with the context path, e.g. http://127.0.0.1:40123/nacos */
  url: string;
  time: FakeTime | undefined;
  close(): Promise<void>;
}

/**
 * A real server on a random loopback port. With `fakeTime: true` its lifecycle runs on a FakeTime the test
 * advances by hand (HTTP still runs for real).
 */
export async function startTestServer(
  overrides: Options = {},
  settings: { fakeTime?: boolean; stores?: CairnStores; grpc?: Partial<GrpcSettings>; adminPassword?: string; tokenSecret?: string; logger?: Logger; heap?: ServerParts['heap']; announce?: ServerParts['announce'] } = {},
): Promise<TestServer> {
  // A data folder of its own unless the test brings one (to restart on the same data); removed on close.
  const ownDir = overrides.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'cairn-test-')) : undefined;
  // A short shutdown: a test's idle keep-alive connections are closed after 100 ms, not the server's 1 s.
  const options = resolveOptions({ port: 0, host: '127.0.0.1', logLevel: 'silent', healthCheckEnabled: false, dataDir: ownDir, shutdownTimeoutMs: 1_000, ...overrides });
  const time = settings.fakeTime ? new FakeTime(Date.now()) : undefined;
  const server = await createServer({
    options,
    clock: time,
    alarm: time,
    logger: settings.logger ?? pino({ level: options.logLevel }),
    stores: settings.stores,
    grpc: settings.grpc,
    adminPassword: settings.adminPassword ?? TEST_ADMIN_PASSWORD,
    tokenSecret: settings.tokenSecret,
    heap: settings.heap,
    announce: settings.announce,
  });
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

/** The first admin's password on test servers started with auth on (unless the test gives its own). */
export const TEST_ADMIN_PASSWORD = 'test-admin-password';

/** Logs in over HTTP and returns the access token; throws with the answer when the login is refused. */
export async function loginToken(base: string, username = 'nacos', password = TEST_ADMIN_PASSWORD): Promise<string> {
  const res = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }).toString() });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`login of '${username}' answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { accessToken: string }).accessToken;
}

/**
 * Makes a user holding a role of its own (`<username>-role`) with the given grants, on a server with auth on, and
 * logs it in; the password is `<username>-password`. Returns its token.
 */
export async function grantedUser(ts: TestServer, username: string, grants: { resource: string; action: 'r' | 'w' | 'rw' }[]): Promise<string> {
  const { auth } = ts.server.ctx;
  const actor = { sourceIp: 'test', clientAgent: 'test', claimedUser: '' };
  auth.createUser(username, await hashPassword(`${username}-password`), actor);
  auth.assignRole(`${username}-role`, username, actor);
  for (const g of grants) auth.addGrant({ role: `${username}-role`, ...g }, actor);
  return loginToken(ts.url, username, `${username}-password`);
}

/** A test server with gRPC on its HTTP port + 1000, the port Nacos 2.x clients dial. */
export async function startGrpcTestServer(settings: { grpc?: Partial<GrpcSettings>; logger?: Logger; heap?: ServerParts['heap'] } = {}, overrides: Options = {}): Promise<TestServer & { grpcPort: number }> {
  const ts = await startTestServer({ ...overrides, port: await freePortPair() }, settings);
  return { ...ts, grpcPort: ts.server.grpcPort ?? Number.NaN };
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

/**
 * A request as Nacos clients send one: a form body on POST, the query string otherwise, the npm client's `utf8`
 * Content-Type everywhere; headers as given.
 */
export async function sendForm(base: string, method: string, path: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const qs = new URLSearchParams(params).toString();
  const post = method === 'POST';
  const res = await fetch(`${base}${path}${!post && qs ? `?${qs}` : ''}`, {
    method,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf8', ...headers },
    body: post ? qs : undefined,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** `sendForm` as the holder of a token (undefined: anonymously), for auth tests. */
export function sendAs(base: string, token: string | undefined): (method: string, path: string, params?: Record<string, string>) => ReturnType<typeof sendForm> {
  return (method, path, params = {}) => sendForm(base, method, path, params, token ? { authorization: `Bearer ${token}` } : {});
}
