// Heap snapshots of a server child process: started with `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir <dir>`,
// the server writes one on SIGUSR2 (after a full garbage collection, so it holds live objects only). The summary
// adds up each object's own size ("self size") by kind, so two snapshots tell what N more instances cost and where.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Node flags that make the server write a heap snapshot into `dir` on SIGUSR2. */
export const snapshotFlags = (dir) => ['--heapsnapshot-signal=SIGUSR2', '--diagnostic-dir', dir];

/**
 * Asks the server for a snapshot and resolves with its summary. The server writes it on its main thread, so once the
 * file exists, `answered()` (any request to the server) resolves only after the file is complete.
 */
export async function takeSnapshot(pid, dir, answered, timeoutMs = 120_000) {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  let file;
  while (!(file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f)))) {
    if (Date.now() > deadline) throw new Error(`no heap snapshot within ${timeoutMs} ms`);
    await sleep(100);
  }
  await answered();
  const path = join(dir, file);
  const summary = summarize(JSON.parse(readFileSync(path, 'utf8')));
  rmSync(path, { force: true });
  return summary;
}

/**
 * Total live bytes and bytes by kind. A kind is the object's type and constructor name, and for plain objects,
 * arrays, strings, numbers and internal arrays also the property through which it is first reached (`.metadata`,
 * `.beats`, `.ip`…), which tells apart the plain objects that make up an instance.
 */
export function summarize(snapshot) {
  const {
    node_fields: nf,
    edge_fields: ef,
    node_types: [nodeTypes],
    edge_types: [edgeTypes],
  } = snapshot.snapshot.meta;
  const { nodes, edges, strings } = snapshot;
  const N = nf.length;
  const E = ef.length;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  const count = nodes.length / N;
  // The first strong retainer of each node and the edge's label: a property's name, or for element and internal
  // edges (an array's slots, a Map's table, an object's property store) the parent's own label.
  const parent = new Int32Array(count).fill(-1);
  const edgeLabel = new Array(count);
  let edge = 0;
  for (let n = 0; n < count; n++) {
    const edgeCount = nodes[n * N + iEdges];
    for (let k = 0; k < edgeCount; k++, edge += E) {
      const to = edges[edge + eTo] / N;
      if (parent[to] !== -1) continue;
      const type = edgeTypes[edges[edge + eType]];
      if (type === 'weak' || type === 'shortcut') continue;
      parent[to] = n;
      edgeLabel[to] = type === 'property' || type === 'context' ? `.${String(strings[edges[edge + eName]]).slice(0, 30)}` : null;
    }
  }
  const labels = new Array(count);
  const label = (n, depth = 0) => {
    if (labels[n] !== undefined) return labels[n];
    let out = '';
    if (parent[n] !== -1) out = edgeLabel[n] ?? (depth < 4 ? label(parent[n], depth + 1) : '');
    if (depth === 0) labels[n] = out;
    return out;
  };
  const byKind = new Map();
  let total = 0;
  for (let n = 0; n < count; n++) {
    const size = nodes[n * N + iSize];
    if (size === 0) continue;
    total += size;
    const type = nodeTypes[nodes[n * N + iType]];
    const plain = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' || type === 'array' || type === 'hidden';
    let kind = plain ? type : `${type} ${String(strings[nodes[n * N + iName]]).slice(0, 40)}`;
    if (type !== 'code' && type !== 'closure') {
      const at = label(n);
      if (at) kind += ` ${at}`;
    }
    byKind.set(kind, (byKind.get(kind) ?? 0) + size);
  }
  return { totalBytes: total, nodes: count, byKind: Object.fromEntries(byKind) };
}

/** What `after` holds beyond `before`, per unit (e.g. per instance): the `top` kinds by bytes, the rest summed up. */
export function perUnit(before, after, units, top = 25) {
  const kinds = new Set([...Object.keys(before.byKind), ...Object.keys(after.byKind)]);
  const rows = [...kinds].map((kind) => ({ kind, bytes: ((after.byKind[kind] ?? 0) - (before.byKind[kind] ?? 0)) / units })).sort((a, b) => b.bytes - a.bytes);
  const shown = rows.slice(0, top).map((r) => ({ kind: r.kind, bytes: Math.round(r.bytes * 10) / 10 }));
  const rest = rows.slice(top).reduce((a, r) => a + r.bytes, 0);
  return { bytesPerUnit: Math.round(((after.totalBytes - before.totalBytes) / units) * 10) / 10, top: shown, restBytes: Math.round(rest * 10) / 10 };
}
