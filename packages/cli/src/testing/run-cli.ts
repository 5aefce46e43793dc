import { repoRoot } from '@cairn/testkit';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CLI = join(repoRoot(), 'packages/cli/bin/cairn.js');

/** The `cairn` command as npm links it: the committed launcher, which runs the compiled dist/main.js. */
export function cliPath(): string {
  return CLI;
}

/**
 * Runs `node packages/cli/bin/cairn.js …` as a real child process. Asynchronous on purpose: a test server
 * in this process must keep answering while the CLI talks to it. CAIRN_SERVER is cleared so a developer's
 * environment cannot steer a test.
 */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun> {
  const child = startCli(args, env, input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** With `input`, it is written to the command's stdin, which is then closed. */
export function startCli(args: string[], env: Record<string, string> = {}, input?: string): ChildProcess {
  const { CAIRN_SERVER: _ignored, CAIRN_PASSWORD: _ignored2, ...base } = process.env;
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...base, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  child.stdin?.end(input);
  return child;
}

/** `host:port` of the server a test started, from its base URL. */
export function hostPort(url: string): string {
  return new URL(url).host;
}

/** A plain HTTP server on loopback that answers with `handler` (e.g. 404 to everything). */
export async function plainHttpServer(handler: (path: string) => { status: number; body: string }): Promise<{ address: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const { status, body } = handler((req.url ?? '/').split('?')[0]);
    res.writeHead(status, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on: bound once to get a free number, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
