import { FakeTime } from '@cairn/testkit';
import { createServer, resolveOptions, type CairnServer, type Options } from '@cairn/server';
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
  const ownDir = overrides.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'cairn-cli-test-')) : undefined;
  const options = resolveOptions({ port: 0, host: '127.0.0.1', logLevel: 'silent', healthCheckEnabled: false, dataDir: ownDir, ...overrides });
  const time = settings.fakeTime ? new FakeTime(Date.now()) : undefined;
  const server = await createServer({ options, clock: time, alarm: time, adminPassword: settings.adminPassword });
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
