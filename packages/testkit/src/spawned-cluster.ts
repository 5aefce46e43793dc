import type { TestContext } from 'node:test';
import { freePortPair } from './free-port-pair.js';
import { spawnServer, type SpawnedServer } from './spawn-server.js';

/** What the cluster helpers need of a test's own database: its URL, and statements run as its administrator. */
export interface ClusterDatabase {
  /** The `--db` URL. */
  url: string;
  admin(sql: string): Promise<unknown[]>;
}

/** Short cluster timings: a SIGKILLed node is DOWN for the others 2.5 s after its last renewal. */
export const FAST_CLUSTER = { renewMs: 500, leaseMs: 2_500, pollMs: 200 } as const;

export interface SpawnedNode {
  readonly server: SpawnedServer;
  /** The HTTP port; gRPC is on this + 1000, as a Nacos 2.x client dials it. */
  readonly port: number;
  /** `127.0.0.1:<port>`, as a client's server list names it. */
  readonly address: string;
  /** The node id this run has in the cluster tables (`ephemeral_instances.owner`, `cluster_members`). */
  readonly nodeId: string;
}

/**
 * Starts `count` real server processes in cluster mode on `db`, each on a loopback port p whose p + 1000 is free
 * (gRPC as Nacos places it), with FAST_CLUSTER timings plus `args`; all are stopped (SIGKILL) when the test ends.
 */
export async function startSpawnedCluster(t: TestContext, db: Pick<ClusterDatabase, 'url'>, count: number, args: string[] = []): Promise<SpawnedNode[]> {
  const nodes: SpawnedNode[] = [];
  t.after(() => Promise.all(nodes.map((n) => n.server.stop('SIGKILL'))));
  for (let i = 0; i < count; i++) {
    const port = await freePortPair();
    const server = await spawnServer([
      '--cluster',
      'true',
      '--db',
      db.url,
      '--port',
      String(port),
      '--cluster-renew-ms',
      String(FAST_CLUSTER.renewMs),
      '--cluster-lease-ms',
      String(FAST_CLUSTER.leaseMs),
      '--cluster-poll-ms',
      String(FAST_CLUSTER.pollMs),
      ...args,
    ]);
    const self = (await (await fetch(`${server.url}/v1/core/cluster/self`)).json()) as { data: { extendInfo: { cairnNodeId: string } } };
    nodes.push({ server, port, address: `127.0.0.1:${port}`, nodeId: self.data.extendInfo.cairnNodeId });
  }
  return nodes;
}

/** SIGKILLs a node's process (no lease given back, nothing flushed) and waits until it is gone. */
export async function killNode(node: SpawnedNode): Promise<void> {
  node.server.process.kill('SIGKILL');
  await node.server.exited;
}

/** The members `on` lists as DOWN, by address. */
export async function downMembers(on: SpawnedNode): Promise<string[]> {
  const res = await fetch(`${on.server.url}/v1/core/cluster/nodes`);
  const list = (await res.json()) as { data: { address: string; state: string }[] };
  return list.data.filter((m) => m.state === 'DOWN').map((m) => m.address);
}

/** The ports of the instances of `service` (group DEFAULT_GROUP, namespace public) that `on` lists. */
export async function listedPorts(on: SpawnedNode, service: string): Promise<number[]> {
  const res = await fetch(`${on.server.url}/v1/ns/instance/list?serviceName=${encodeURIComponent(service)}&healthyOnly=false`);
  if (res.status !== 200) return [];
  return ((await res.json()) as { hosts: { port: number }[] }).hosts.map((h) => h.port).sort();
}

/** The node whose id the ephemeral instance's row names as its owner, if the row is there. */
export async function ownerOf(db: ClusterDatabase, nodes: readonly SpawnedNode[], port: number): Promise<SpawnedNode | undefined> {
  const rows = (await db.admin(`SELECT owner FROM ephemeral_instances WHERE port = ${Number(port)}`)) as { owner: string }[];
  return nodes.find((n) => n.nodeId === rows[0]?.owner);
}
