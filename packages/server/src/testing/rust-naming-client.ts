import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

// The real Nacos 2.x client (the Node binding of nacos-group's Rust SDK) in a child process: its constructor blocks
// its thread, and a test must be able to kill it. The child runs the calls it is sent, one JSON line each, and
// reports every push its subscription listener gets.
const BINDING = createRequire(import.meta.url).resolve('nacos-sdk-rust-binding-node');

const CHILD = `
const { NacosNamingClient } = require(process.env.BINDING);
const client = new NacosNamingClient({ serverAddr: process.env.SERVER_ADDR, namespace: '', appName: 'naming-test', namingPushEmptyProtection: false });
const out = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
out({ ready: true });
require('node:readline').createInterface({ input: process.stdin }).on('line', async (line) => {
  const { id, op, args } = JSON.parse(line);
  try {
    const result = op === 'subscribe'
      ? await client.subscribe(...args, (err, instances) => out({ push: instances, err: err ? String(err) : null }))
      : await client[op](...args);
    out({ id, result: result ?? null });
  } catch (e) {
    out({ id, error: String((e && e.message) || e) });
  }
});
`;

export interface Host {
  ip: string;
  port: number;
  metadata?: Record<string, string>;
}

export class RustNamingClient {
  readonly pushes: Host[][] = [];
  private readonly waiting = new Map<number, (m: any) => void>();
  private nextId = 1;

  private constructor(
    readonly child: ChildProcess,
    readonly home: string,
  ) {}

  static async start(port: number): Promise<RustNamingClient> {
    const home = mkdtempSync(join(tmpdir(), 'cairn-rust-naming-'));
    const child = spawn(process.execPath, ['-e', CHILD], { env: { ...process.env, HOME: home, BINDING, SERVER_ADDR: `127.0.0.1:${port}` }, stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new RustNamingClient(child, home);
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = JSON.parse(line);
        if (m.ready) resolve();
        else if (m.push) client.pushes.push(m.push);
        else client.waiting.get(m.id)?.(m);
      });
      child.on('exit', (code) => reject(new Error(`client process exited (${code}) before it connected: ${stderr}`)));
    });
    return client;
  }

  async run(op: string, ...args: unknown[]): Promise<any> {
    const id = this.nextId++;
    const answer = new Promise<any>((resolve) => this.waiting.set(id, resolve));
    this.child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    const m = await answer;
    if (m.error) throw new Error(`${op} failed: ${m.error}`);
    return m.result;
  }

  /** Waits (bounded by the test's timeout) for a push, after the `since`-th, whose hosts are exactly `ports`. */
  async pushed(ports: number[], since: number): Promise<void> {
    const want = JSON.stringify([...ports].sort());
    while (!this.pushes.slice(since).some((hosts) => JSON.stringify(portsOf(hosts)) === want)) await sleep(20);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  dispose(): void {
    this.kill();
    rmSync(this.home, { recursive: true, force: true });
  }
}

export function portsOf(hosts: Host[]): number[] {
  return hosts.map((h) => h.port).sort();
}
