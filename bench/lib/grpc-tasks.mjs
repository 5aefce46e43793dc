// The gRPC tasks of one load-generator process (see worker.mjs): hold many connections (each with one instance, or
// subscribed to a service), touch them, count the liveness checks they answered, time pushes, and register
// instances as fast as pipelined unary or batch requests allow.
import { forEachLimited, GrpcClientConnection } from './grpc-client.mjs';
import { Histogram } from './histogram.mjs';
import { GROUP, ipOf } from './instances.mjs';

const PORT = 8080;
/** Connections held by this process between tasks. */
let held = [];
let round = null;
let registerRun = null;

/** Source address of connection i: spread over 127.0.0.1..n so that 10,000 connections never run short of ports. */
export function sourceAddress(i, addresses) {
  return `127.0.0.${1 + (i % addresses)}`;
}

export function instanceRequest(service, ip, type = 'registerInstance', metadata = { bench: '1' }) {
  return { headers: {}, namespace: 'public', serviceName: service, groupName: GROUP, type, instance: { ip, port: PORT, weight: 1, healthy: true, enabled: true, ephemeral: true, clusterName: 'DEFAULT', metadata } };
}

export function subscribeRequest(service) {
  return { headers: {}, namespace: 'public', serviceName: service, groupName: GROUP, subscribe: true, clusters: '' };
}

/** Dispatches one orchestrator message; `send` answers it. */
export function onGrpcTask(msg, send) {
  const tasks = { 'grpc-connect': connect, 'grpc-touch': touch, 'grpc-counters': counters, 'grpc-arm': arm, 'grpc-close-all': closeAll, 'grpc-register': prepareRegister, 'grpc-register-go': goRegister };
  const task = tasks[msg.task];
  if (!task) throw new Error(`unknown task ${msg.task}`);
  return task(msg, send);
}

/**
 * Opens connections [from, to), each set up as a Java client sets it up; each then registers its instance i
 * (`register`: service `<prefix><i mod services>`) and/or subscribes to `subscribe`. They stay open in `held`.
 */
async function connect({ port, from, to, concurrency, sourceAddresses, register, subscribe, expectHosts }, send) {
  const setup = new Histogram();
  let ok = 0;
  let failed = 0;
  let firstError = null;
  const startedAt = Date.now();
  await forEachLimited(from, to, concurrency, async (i) => {
    const t0 = performance.now();
    const conn = new GrpcClientConnection(port, sourceAddress(i, sourceAddresses));
    try {
      await conn.open();
      held.push(conn);
      if (register) {
        const answer = await conn.request('InstanceRequest', instanceRequest(`${register.prefix}${i % register.services}`, ipOf(i)));
        if (answer.type !== 'InstanceResponse') throw new Error(`InstanceRequest answered ${answer.type}: ${JSON.stringify(answer.body)}`);
      }
      if (subscribe) {
        const answer = await conn.request('SubscribeServiceRequest', subscribeRequest(subscribe));
        const hosts = answer.body.serviceInfo?.hosts?.length;
        if (answer.type !== 'SubscribeServiceResponse' || hosts !== expectHosts) throw new Error(`SubscribeServiceRequest answered ${answer.type} with ${hosts} hosts (expected ${expectHosts})`);
        conn.onNotify = (serviceInfo, at) => round?.record(conn, serviceInfo, at);
      }
      setup.recordMs(performance.now() - t0);
      ok++;
    } catch (error) {
      conn.close();
      failed++;
      firstError ??= String(error);
    }
  });
  send({ type: 'grpc-connected', ok, failed, firstError, startedAt, endedAt: Date.now(), setup: setup.toJSON() });
}

/** Every held connection sends one HealthCheckRequest, so all of them were last active within a short span. */
async function touch({ concurrency }, send) {
  let failed = 0;
  let firstError = null;
  const startedAt = Date.now();
  await forEachLimited(0, held.length, concurrency, async (n) => {
    try {
      const answer = await held[n].request('HealthCheckRequest', { headers: {} });
      if (answer.type !== 'HealthCheckResponse') throw new Error(`HealthCheckRequest answered ${answer.type}`);
    } catch (error) {
      failed++;
      firstError ??= String(error);
    }
  });
  send({ type: 'grpc-touched', startedAt, endedAt: Date.now(), failed, firstError });
}

function counters(_msg, send) {
  const closed = held.filter((c) => c.closed);
  send({
    type: 'grpc-counters',
    held: held.length,
    open: held.length - closed.length,
    detections: held.reduce((a, c) => a + c.detections, 0),
    notifies: held.reduce((a, c) => a + c.notifies, 0),
    firstCloseReason: closed[0]?.closeReason ?? null,
  });
}

/**
 * Arms one push round: answers 'grpc-armed' at once, then 'grpc-round' with the time (ms since the epoch, sub-ms) at
 * which each subscriber received the push whose service has `expectHosts` hosts, or after `timeoutMs` with those missing.
 */
function arm({ expectHosts, timeoutMs, id }, send) {
  const subscribers = held.filter((c) => c.onNotify);
  const arrivals = [];
  const seen = new Set();
  const finish = () => {
    clearTimeout(timer);
    round = null;
    send({ type: 'grpc-round', id, arrivals, missing: subscribers.length - arrivals.length });
  };
  const timer = setTimeout(finish, timeoutMs);
  round = {
    record(conn, serviceInfo, at) {
      if (serviceInfo?.hosts?.length !== expectHosts || seen.has(conn)) return;
      seen.add(conn);
      arrivals.push(at);
      if (arrivals.length === subscribers.length) finish();
    },
  };
  send({ type: 'grpc-armed', id });
}

function closeAll(_msg, send) {
  for (const c of held) c.close();
  held = [];
  send({ type: 'grpc-closed' });
}

/**
 * Registration throughput, step 1: opens `connections` connections and waits for 'grpc-register-go'. Step 2 sends
 * instances [from, to) over them, `pipeline` requests in flight per connection: one InstanceRequest each, or with
 * `batchSize` one BatchInstanceRequest per `batchSize` instances, in a service of its own (a batch is the
 * connection's whole set in its service).
 */
async function prepareRegister({ port, connections, sourceAddresses, firstConnection = 0 }, send) {
  const conns = [];
  await forEachLimited(0, connections, 50, async (n) => {
    conns.push(await new GrpcClientConnection(port, sourceAddress(firstConnection + n, sourceAddresses)).open());
  });
  held.push(...conns);
  registerRun = conns;
  send({ type: 'grpc-ready' });
}

async function goRegister({ from, to, pipeline, batchSize, prefix, services, metadata }, send) {
  const conns = registerRun;
  const latency = new Histogram();
  let next = from;
  let ok = 0;
  let failed = 0;
  let firstError = null;
  const step = batchSize || 1;
  const startedAt = Date.now();
  const lane = async (conn) => {
    while (next < to) {
      const first = next;
      const end = Math.min(to, first + step);
      next = end;
      const t0 = performance.now();
      try {
        const answer = batchSize
          ? await conn.request('BatchInstanceRequest', batchRequest(`${prefix}batch-${Math.floor(first / step)}`, first, end, metadata))
          : await conn.request('InstanceRequest', instanceRequest(`${prefix}${first % services}`, ipOf(first), undefined, metadata));
        latency.recordMs(performance.now() - t0);
        if (answer.type === (batchSize ? 'BatchInstanceResponse' : 'InstanceResponse')) ok += end - first;
        else {
          failed += end - first;
          firstError ??= `${answer.type}: ${JSON.stringify(answer.body).slice(0, 200)}`;
        }
      } catch (error) {
        failed += end - first;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(conns.flatMap((conn) => Array.from({ length: pipeline }, () => lane(conn))));
  send({ type: 'grpc-done', ok, failed, firstError, startedAt, endedAt: Date.now(), hist: latency.toJSON() });
}

function batchRequest(service, from, to, metadata) {
  const instances = [];
  for (let i = from; i < to; i++) instances.push(instanceRequest(service, ipOf(i), undefined, metadata).instance);
  return { headers: {}, namespace: 'public', serviceName: service, groupName: GROUP, type: 'batchRegisterInstance', instances };
}
