import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../reference-server.mjs', import.meta.url));

// Servers still running when the bench exits (a signal, the time cap, an error) are killed with it.
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `cairn start` as a child process on a free loopback port with a throw-away data folder and resolves once
 * it prints its listening line. `nodeFlags` lets a run add e.g. `--cpu-prof`; `serverArgs` extra `cairn start` flags;
 * `env` extra environment variables (e.g. CAIRN_ADMIN_PASSWORD). With `dataDir` (and `port`) the server starts on
 * that data folder, which the caller owns (stop() leaves it), e.g. to restart a server on its data. `reference: true`
 * starts the bench's reference server (bench/reference-server.mjs) instead, with the same node flags.
 */
export async function startServer({ nodeFlags = [], serverArgs = [], env = {}, timeoutMs = 30_000, reference = false, dataDir: ownDataDir, port: ownPort } = {}) {
  const port = ownPort ?? (await freePort());
  const dataDir = ownDataDir ?? mkdtempSync(join(tmpdir(), 'cairn-bench-'));
  const args = reference ? [...nodeFlags, REFERENCE, '--port', String(port)] : [...nodeFlags, MAIN, 'start', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn', ...serverArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stderr.on('data', (d) => {
    output += d;
    process.stderr.write(`[server] ${d}`);
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout.on('data', (d) => {
      output += d;
      if (output.includes(reference ? 'Reference listening on' : 'Cairn listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  child.stdout.resume();
  return {
    port,
    pid: child.pid,
    dataDir,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      if (!ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
