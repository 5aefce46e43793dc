import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The Node binding of nacos-group's Rust SDK (a real Nacos 2.x gRPC client). */
const BINDING = createRequire(import.meta.url).resolve('nacos-sdk-rust-binding-node');

export interface RustChild {
  readonly child: ChildProcess;
  /** The child's own HOME (the SDK writes its cache and logs there); removed by `dispose`. */
  readonly home: string;
  /** Kills the child (SIGKILL: no clean close) and removes its HOME. */
  dispose(): void;
}

/**
 * Runs `script` in a child process with the binding's path in `BINDING`, the server's `127.0.0.1:<port>` in
 * `SERVER_ADDR`, `env` added, and a fresh HOME. The SDK's constructors block their thread until the handshake is done, so its
 * clients live in a child (which also lets a test kill them). Resolves once the child writes the JSON line
 * `{"ready":true}`; every other stdout line goes to `onLine`. Rejects with the child's stderr if it exits first.
 */
export async function startRustChild(script: string, port: number, onLine: (message: any) => void = () => {}, env: Record<string, string> = {}): Promise<RustChild> {
  const home = mkdtempSync(join(tmpdir(), 'cairn-rust-'));
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, ...env, HOME: home, BINDING, SERVER_ADDR: `127.0.0.1:${port}` }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line);
      if (message.ready) resolve();
      else onLine(message);
    });
    child.on('exit', (code) => reject(new Error(`Rust client process exited (${code}) before it connected: ${stderr}`)));
  });
  return {
    child,
    home,
    dispose() {
      child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    },
  };
}
