// The bench's reference server: the least a registry answering the bench's Nacos v1 naming routes can do, on bare
// node:http. Instances live in a Map per service; no validation, no journal, no persistence, no caching, no timers
// (health is worked out when a list is asked for). The `reference` scenario measures Cairn against it in the same
// run, so Cairn's cost reads as a multiple of this floor. Part of the bench only; never shipped.
//
//   node bench/reference-server.mjs --port <port>      (always on 127.0.0.1)
import http from 'node:http';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;
const BEAT_INTERVAL_MS = 5_000;
const BEAT_TIMEOUT_MS = 15_000;
const DELETE_TIMEOUT_MS = 30_000;

/** `namespace##group@@service` → Map of `ip#port#cluster` → instance. */
const services = new Map();

const grouped = (q) => {
  const name = q.get('serviceName') ?? '';
  return name.includes('@@') ? name : `${q.get('groupName') || 'DEFAULT_GROUP'}@@${name}`;
};
const keyOf = (namespace, service) => `${namespace || 'public'}##${service}`;

function upsert(namespace, service, fields) {
  const key = keyOf(namespace, service);
  let instances = services.get(key);
  if (!instances) services.set(key, (instances = new Map()));
  const cluster = fields.clusterName || 'DEFAULT';
  const id = `${fields.ip}#${fields.port}#${cluster}`;
  const instance = { ip: fields.ip, port: fields.port, weight: fields.weight, enabled: fields.enabled, ephemeral: fields.ephemeral, clusterName: cluster, metadata: fields.metadata, lastBeat: Date.now() };
  instances.set(id, instance);
  return instance;
}

function register(q) {
  upsert(q.get('namespaceId'), grouped(q), {
    ip: q.get('ip'),
    port: Number(q.get('port')),
    clusterName: q.get('clusterName'),
    weight: Number(q.get('weight') ?? 1),
    enabled: q.get('enable') !== 'false',
    ephemeral: q.get('ephemeral') !== 'false',
    metadata: q.get('metadata') ? JSON.parse(q.get('metadata')) : {},
  });
  return 'ok';
}

function deregister(q) {
  const cluster = q.get('clusterName') || 'DEFAULT';
  services.get(keyOf(q.get('namespaceId'), grouped(q)))?.delete(`${q.get('ip')}#${q.get('port')}#${cluster}`);
  return 'ok';
}

function beat(q) {
  const b = JSON.parse(q.get('beat') ?? '{}');
  const service = b.serviceName ?? grouped(q);
  const instance = services.get(keyOf(q.get('namespaceId'), service))?.get(`${b.ip}#${b.port}#${b.cluster || 'DEFAULT'}`);
  // An unknown instance is re-created from its beat, as Nacos (and Cairn) do.
  if (instance) instance.lastBeat = Date.now();
  else upsert(q.get('namespaceId'), service, { ip: b.ip, port: b.port, clusterName: b.cluster, weight: b.weight ?? 1, enabled: true, ephemeral: true, metadata: b.metadata ?? {} });
  return { clientBeatInterval: BEAT_INTERVAL_MS, code: 10200, lightBeatEnabled: true };
}

const timeoutOf = (instance) => Number(instance.metadata['preserved.heart.beat.timeout'] ?? BEAT_TIMEOUT_MS);

function list(q) {
  const service = grouped(q);
  const now = Date.now();
  const healthyOnly = q.get('healthyOnly') === 'true';
  const hosts = [];
  for (const i of services.get(keyOf(q.get('namespaceId'), service))?.values() ?? []) {
    const healthy = now - i.lastBeat <= timeoutOf(i);
    if (healthyOnly && !healthy) continue;
    hosts.push({
      instanceId: `${i.ip}#${i.port}#${i.clusterName}#${service}`,
      ip: i.ip,
      port: i.port,
      weight: i.weight,
      healthy,
      enabled: i.enabled,
      ephemeral: i.ephemeral,
      clusterName: i.clusterName,
      serviceName: service,
      metadata: i.metadata,
      instanceHeartBeatInterval: BEAT_INTERVAL_MS,
      instanceHeartBeatTimeOut: timeoutOf(i),
      ipDeleteTimeout: Number(i.metadata['preserved.ip.delete.timeout'] ?? DELETE_TIMEOUT_MS),
      instanceIdGenerator: 'simple',
      valid: healthy,
      marked: false,
    });
  }
  const groupName = service.slice(0, service.indexOf('@@'));
  return {
    name: service,
    groupName,
    clusters: q.get('clusters') ?? '',
    cacheMillis: 10_000,
    hosts,
    lastRefTime: now,
    checksum: '',
    allIPs: false,
    reachProtectionThreshold: false,
    valid: true,
    dom: service,
    env: '',
    useSpecifiedURL: false,
    metadata: {},
  };
}

function statuses(q) {
  const [namespace, service] = (q.get('key') ?? '').split('##');
  const now = Date.now();
  const ips = [];
  for (const i of services.get(keyOf(namespace, service))?.values() ?? []) ips.push(`${i.ip}:${i.port}_${now - i.lastBeat <= timeoutOf(i)}`);
  return { ips };
}

const ROUTES = {
  'POST /nacos/v1/ns/instance': register,
  'DELETE /nacos/v1/ns/instance': deregister,
  'PUT /nacos/v1/ns/instance/beat': beat,
  'GET /nacos/v1/ns/instance/list': list,
  'GET /nacos/v1/ns/instance/statuses': statuses,
};

const server = http.createServer((req, res) => {
  const q = req.url.indexOf('?');
  const handler = ROUTES[`${req.method} ${q < 0 ? req.url : req.url.slice(0, q)}`];
  let status = handler ? 200 : 404;
  let body = 'not found';
  try {
    if (handler) body = handler(new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1)));
  } catch (error) {
    status = 400;
    body = String(error);
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(status, { 'x-content-type-options': 'nosniff', 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
  req.resume();
});
server.keepAliveTimeout = 72_000; // as Cairn's, so neither side closes idle connections between turns
server.listen(port, '127.0.0.1', () => console.log(`Reference listening on 127.0.0.1:${server.address().port}`));
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
