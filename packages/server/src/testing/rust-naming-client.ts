import { setTimeout as sleep } from 'node:timers/promises';
import { type RustChild, startRustChild } from './rust-child.js';

// The real Nacos 2.x naming client in a child process. The child runs the calls it is sent, one JSON line each,
// and reports every push its subscription listener gets.

const CHILD = `
const { NacosNamingClient } = require(process.env.BINDING);
const client = new NacosNamingClient({ serverAddr: process.env.SERVER_ADDR, namespace: '', appName: 'naming-test', namingPushEmptyProtection: false, ...JSON.parse(process.env.CLIENT_OPTIONS || '{}') });
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

  private constructor(private readonly proc: RustChild) {}

  /** `options` go to the client's constructor as they are (e.g. `username` and `password`). */
  static async start(port: number, options: Record<string, unknown> = {}): Promise<RustNamingClient> {
    let client: RustNamingClient | undefined;
    const early: any[] = [];
    const deliver = (m: any) => {
      if (m.push) client!.pushes.push(m.push);
      else client!.waiting.get(m.id)?.(m);
    };
    const proc = await startRustChild(CHILD, port, (m) => (client ? deliver(m) : early.push(m)), { CLIENT_OPTIONS: JSON.stringify(options) });
    client = new RustNamingClient(proc);
    for (const m of early) deliver(m);
    return client;
  }

  async run(op: string, ...args: unknown[]): Promise<any> {
    const id = this.nextId++;
    const answer = new Promise<any>((resolve) => this.waiting.set(id, resolve));
    this.proc.child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
    const m = await answer;
    if (m.error) throw new Error(`${op} failed: ${m.error}`);
    return m.result;
  }

  /** Waits (bounded by the test's timeout) for a push, after the `since`-th, whose hosts are exactly `ports`. */
  async pushed(ports: number[], since: number): Promise<void> {
    const want = JSON.stringify([...ports].sort());
    while (!this.pushes.slice(since).some((hosts) => JSON.stringify(portsOf(hosts)) === want)) await sleep(20);
  }

  /** SIGKILL: the client process dies without closing its connection. */
  kill(): void {
    this.proc.child.kill('SIGKILL');
  }

  dispose(): void {
    this.proc.dispose();
  }
}

export function portsOf(hosts: Host[]): number[] {
  return hosts.map((h) => h.port).sort();
}
