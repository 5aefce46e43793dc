import { encodePayload } from '@cairn/api';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { GrpcTestClient, type Answer } from '../../testing/grpc-test-client.js';
import { prng } from '../../testing/prng.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';

/*
 * Robustness of the gRPC transport, as fuzz.test.ts is for HTTP: thousands of random and malformed requests of
 * every type the server serves (and of types it does not), random and bit-flipped bytes, bad JSON, JSON of the wrong
 * shape, wrong field types, unknown types, oversized and deeply nested bodies, and junk on the stream. A client's
 * mistake earns an answer with a code and a message naming the field; a crash, a hang, a gRPC failure, a server
 * error or a connection lost to a bad request is a bug. The seed is fixed, so a failure reproduces, and a failure
 * prints the offending requests.
 *
 * Network discipline: ephemeral instances get made-up 10.x addresses or no address at all; persistent ones only
 * loopback (and the test server does not probe).
 */

// Fixed by default; CAIRN_FUZZ_SEED explores other sequences.
const SEED = Number(process.env.CAIRN_FUZZ_SEED ?? 0x9e7c_f022);
const REQUESTS = Number(process.env.CAIRN_GRPC_FUZZ_REQUESTS ?? 2000);
const CLIENTS = 4;
/** Far above any answer's time on a loaded machine: beyond it, a call counts as hung. */
const HANG_MS = 20_000;

/** The answer class of each request type the server serves, when it succeeds. */
const ANSWERS: Record<string, string> = {
  InstanceRequest: 'InstanceResponse',
  BatchInstanceRequest: 'BatchInstanceResponse',
  PersistentInstanceRequest: 'InstanceResponse',
  ServiceQueryRequest: 'QueryServiceResponse',
  SubscribeServiceRequest: 'SubscribeServiceResponse',
  ServiceListRequest: 'ServiceListResponse',
  ConfigQueryRequest: 'ConfigQueryResponse',
  ConfigPublishRequest: 'ConfigPublishResponse',
  ConfigRemoveRequest: 'ConfigRemoveResponse',
  ConfigBatchListenRequest: 'ConfigChangeBatchListenResponse',
  HealthCheckRequest: 'HealthCheckResponse',
  ServerCheckRequest: 'ServerCheckResponse',
};

/** Every field name a request may carry: a refusal's message must name one. */
const FIELDS = [
  'namespace',
  'serviceName',
  'groupName',
  'type',
  'instance',
  'instances',
  'ip',
  'port',
  'weight',
  'healthy',
  'enabled',
  'ephemeral',
  'clusterName',
  'metadata',
  'cluster',
  'clusters',
  'healthyOnly',
  'subscribe',
  'pageNo',
  'pageSize',
  'dataId',
  'group',
  'tenant',
  'tag',
  'content',
  'casMd5',
  'additionMap',
  'betaIps',
  'encryptedDataKey',
  'appName',
  'desc',
  'config_tags',
  'use',
  'effect',
  'schema',
  'src_user',
  'listen',
  'configListenContexts',
  'md5',
];

const CAS_FAILED = 'Cas publish fail, server md5 may have changed.';

interface FuzzCall {
  type: string;
  /** A JSON text (maybe broken), or bytes sent as they are instead of a Payload. */
  body: string | Buffer;
  /** What was sent, shortened, for the failure report. */
  shown: string;
}

function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const weird = (): unknown =>
    pick<unknown>([
      null,
      0,
      -1,
      1.5,
      1e300,
      -0,
      true,
      false,
      '',
      ' ',
      '0',
      'true',
      'null',
      '💥',
      '\u0000',
      '\u202e',
      'a@@b',
      '@@',
      '../../etc/passwd',
      "' OR 1=1 --",
      '服务',
      'x'.repeat(int(60, 600)),
      [],
      [1, 'a', null],
      {},
      { a: { b: [1] } },
      { __proto__: { polluted: true } },
      'DEFAULT_GROUP',
      'public',
    ]);
  const namespace = () => pick(['public', '', 'ns-fuzz', 'bad ns!']);
  const service = () => pick(['fuzz', 'g1@@fuzz', 'DEFAULT_GROUP@@fuzz', `s${int(0, 9)}`]);
  const group = () => pick(['DEFAULT_GROUP', 'G1', 'bad group']);
  const ephemeralIp = () => pick(['10.9.0.1', '10.9.0.2', '10.9.1.7', 'not an ip', '999.1.1.1', '']);
  const loopbackIp = () => pick(['127.0.0.1', '127.0.0.2', 'not an ip', '']);
  const metadata = () => pick<unknown>([{}, { k: 'v' }, { 'preserved.heart.beat.interval': '1' }, { big: 'v'.repeat(int(0, 3000)) }, { n: 1 }, 'a=b', null]);
  const instance = (ip: () => string) => ({
    ip: ip(),
    port: pick<unknown>([int(1, 65535), int(-5, 70_000), 0, 8080]),
    weight: pick<unknown>([1, 0.5, 0, 20_000, -1, null]),
    healthy: pick<unknown>([true, false, null]),
    enabled: pick<unknown>([true, false, null]),
    ephemeral: pick<unknown>([true, null, true, false]),
    clusterName: pick<unknown>(['DEFAULT', 'c1', null, 'bad cluster!']),
    metadata: metadata(),
    instanceId: null,
    serviceName: null,
  });
  const key = () => ({ dataId: pick(['fuzz.yaml', 'fuzz.json', `c${int(0, 9)}`, 'bad id!']), group: pick(['DEFAULT_GROUP', 'G', 'bad group']), tenant: pick(['', 'public', 'ns-fuzz']) });
  const namingBase = () => ({ headers: {}, requestId: String(int(1, 1e6)), namespace: namespace(), serviceName: service(), groupName: group(), module: 'naming' });

  const plausible: Record<string, () => Record<string, unknown>> = {
    InstanceRequest: () => ({ ...namingBase(), type: pick(['registerInstance', 'deregisterInstance', 'moveInstance']), instance: instance(ephemeralIp) }),
    BatchInstanceRequest: () => ({ ...namingBase(), type: pick(['batchRegisterInstance', 'batchRegisterInstance', 'registerInstance']), instances: Array.from({ length: int(0, 4) }, () => instance(ephemeralIp)) }),
    PersistentInstanceRequest: () => ({ ...namingBase(), type: pick(['registerInstance', 'deregisterInstance']), instance: { ...instance(loopbackIp), ephemeral: false } }),
    ServiceQueryRequest: () => ({ ...namingBase(), cluster: pick(['', 'DEFAULT', 'c1,c2']), healthyOnly: pick([true, false]), udpPort: 0 }),
    SubscribeServiceRequest: () => ({ ...namingBase(), subscribe: pick([true, false]), clusters: pick(['', 'DEFAULT']) }),
    ServiceListRequest: () => ({ ...namingBase(), pageNo: pick([1, 2, 0, -1, 1e9]), pageSize: pick([10, 1, 0, 1e9]), selector: null }),
    ConfigQueryRequest: () => ({ headers: {}, requestId: '1', ...key(), tag: pick([null, '', 't1']) }),
    ConfigPublishRequest: () => ({
      headers: {},
      requestId: '2',
      ...key(),
      content: pick(['a=1', 'b: 2', '', ' ', 'x'.repeat(int(0, 200_000))]),
      casMd5: pick([null, '', 'd41d8cd98f00b204e9800998ecf8427e', 'nonsense']),
      additionMap: pick<unknown>([{}, { type: 'yaml', src_user: 'fuzz' }, { betaIps: '127.0.0.1' }, { betaIps: 'not-an-ip' }, { tag: 't1' }, { config_tags: 'a,b' }, { encryptedDataKey: 'k' }, null]),
    }),
    ConfigRemoveRequest: () => ({ headers: {}, requestId: '3', ...key(), tag: pick([null, '', 't1']) }),
    ConfigBatchListenRequest: () => ({ headers: {}, requestId: '4', listen: pick([true, false, null]), configListenContexts: Array.from({ length: int(0, 5) }, () => ({ ...key(), md5: pick(['', 'x', null]) })) }),
    HealthCheckRequest: () => ({ headers: {}, requestId: null }),
    ServerCheckRequest: () => ({ headers: {} }),
  };

  /** Replaces, removes or adds a few fields, at the top or one level down. */
  const mutate = (body: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = structuredClone(body);
    for (let n = int(1, 3); n > 0; n--) {
      const keys = Object.keys(out);
      const nested = keys.filter((k) => out[k] !== null && typeof out[k] === 'object' && !Array.isArray(out[k]));
      const target = nested.length > 0 && rand() < 0.3 ? (out[pick(nested)] as Record<string, unknown>) : out;
      const field = rand() < 0.85 && Object.keys(target).length > 0 ? pick(Object.keys(target)) : pick([...FIELDS, 'unknownField', '__proto__', 'constructor']);
      if (rand() < 0.15) delete target[field];
      else target[field] = weird();
    }
    return out;
  };

  const TYPES = Object.keys(plausible);
  return function next(): FuzzCall {
    const r = rand();
    const type = rand() < 0.92 ? pick(TYPES) : pick(['NoSuchRequest', '', 'instancerequest', 'ErrorResponse', 'ConnectionSetupRequest', 'ClientDetectionResponse', 'x'.repeat(300), '💥']);
    const base = (plausible[type] ?? (() => ({ headers: {} })))();
    if (r < 0.4) {
      const body = JSON.stringify(base);
      return { type, body, shown: body };
    }
    if (r < 0.75) {
      const body = JSON.stringify(mutate(base));
      return { type, body, shown: body };
    }
    if (r < 0.83) {
      // Broken JSON: cut short, or not JSON at all.
      const text = JSON.stringify(base);
      const body = rand() < 0.7 ? text.slice(0, int(0, text.length - 1)) : pick(['{', 'nul', '{"a":1}}', '\u0000\u0001', "{'single':1}", '{"a":NaN}']);
      return { type, body, shown: body };
    }
    if (r < 0.9) {
      // JSON of the wrong shape.
      const body = JSON.stringify(pick<unknown>([[base], 42, 'str', null, true, [], [[[]]]]));
      return { type, body, shown: body };
    }
    // Bytes: random, or a real Payload with a few bits flipped or cut short.
    const encoded = Buffer.from(encodePayload({ type, clientIp: '127.0.0.1', headers: { app: 'fuzz' }, body: JSON.stringify(base) }));
    let bytes: Buffer;
    if (rand() < 0.3) bytes = Buffer.from(Array.from({ length: int(0, 64) }, () => int(0, 255)));
    else if (rand() < 0.4) bytes = encoded.subarray(0, int(0, encoded.length));
    else {
      bytes = Buffer.from(encoded);
      for (let n = int(1, 4); n > 0; n--) {
        const at = int(0, bytes.length - 1);
        bytes[at] ^= 1 << int(0, 7);
      }
    }
    return { type, body: bytes, shown: `bytes ${bytes.toString('hex').slice(0, 160)}` };
  };
}

/** Answers with the gRPC status error as a value, and a hang as `hung`. */
async function send(client: GrpcTestClient, call: FuzzCall): Promise<Answer | { grpcError: string } | { hung: true }> {
  const sent = typeof call.body === 'string' ? client.request(call.type, call.body) : client.raw(call.body);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<{ hung: true }>((resolve) => {
    timer = setTimeout(() => resolve({ hung: true }), HANG_MS);
  });
  try {
    return await Promise.race([sent.catch((err: Error) => ({ grpcError: err.message })), hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** Why an answer is wrong for a client's (possibly bad) request; undefined when it is right. */
function fault(call: FuzzCall, answer: Answer | { grpcError: string } | { hung: true }): string | undefined {
  if ('hung' in answer) return `no answer within ${HANG_MS} ms`;
  if ('grpcError' in answer) return `gRPC failure: ${answer.grpcError}`;
  const { type, body } = answer;
  if (typeof body.resultCode !== 'number' || typeof body.errorCode !== 'number' || typeof body.success !== 'boolean') return 'resultCode, errorCode and success must always be present';
  if (body.resultCode === 200) {
    if (body.errorCode !== 0) return 'success with an error code';
    return typeof call.body === 'string' && type !== ANSWERS[call.type] ? `success answered as ${type}, not ${ANSWERS[call.type]}` : undefined;
  }
  if (typeof body.message !== 'string' || body.message.trim() === '') return 'a refusal without a message';
  if (type !== 'ErrorResponse' && type !== ANSWERS[call.type]) return `a refusal answered as ${type}`;
  switch (body.errorCode) {
    case 300: // config not found
      return type === 'ConfigQueryResponse' ? undefined : 'errorCode 300 outside a config query';
    case 302: // no handler; flipped bytes may have changed the type
      return typeof call.body !== 'string' || body.message.includes(`'${call.type}'`) ? undefined : 'a 302 that does not name the type';
    case 400:
      return FIELDS.some((f) => body.message.includes(f)) ? undefined : 'a 400 that names no field';
    case 502: // not a Payload, or not JSON
      return undefined;
    case 500:
      return body.message === CAS_FAILED ? undefined : 'a server error for a client request';
    default:
      return `unexpected errorCode ${body.errorCode}`;
  }
}

let ts: TestServer;
let grpcPort: number;
before(async () => {
  ts = await startTestServer({}, { grpc: { pushTimeoutMs: 200 } });
  grpcPort = ts.server.grpcPort!;
});
after(() => ts.close());

const SETUP = { clientVersion: 'Nacos-Fuzz-Client:1', tenant: '', labels: { source: 'sdk', module: 'naming', AppName: 'fuzz' } };

/** A client whose connection is set up (Java order); resolves once calls are no longer answered 301. */
async function connected(): Promise<GrpcTestClient> {
  const client = new GrpcTestClient(grpcPort, { 'grpc.max_send_message_length': 32 * 1024 * 1024 });
  await client.request('ServerCheckRequest', { headers: {} });
  client.openStream();
  client.send('ConnectionSetupRequest', SETUP);
  while ((await client.request('HealthCheckRequest', {})).type !== 'HealthCheckResponse') await sleep(10);
  return client;
}

/** The connection still works: a health check, and a push to it that it answers. */
async function usable(client: GrpcTestClient): Promise<void> {
  assert.equal((await client.request('HealthCheckRequest', {})).type, 'HealthCheckResponse');
}

test(`${REQUESTS} random and malformed gRPC requests: every one answered with a code and a message, the connections stay usable`, { timeout: 300_000 }, async (t) => {
  const next = generator(prng(SEED));
  const calls = Array.from({ length: REQUESTS }, next);
  const clients = await Promise.all(Array.from({ length: CLIENTS }, connected));
  t.after(() => {
    for (const c of clients) c.close();
  });
  const connections = ts.server.grpc!.connections.size;
  const failures: string[] = [];
  const codes = new Map<string, number>();
  let cursor = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (cursor < calls.length) {
        const call = calls[cursor++];
        const answer = await send(client, call);
        if ('type' in answer) {
          const code = `${answer.type === 'ErrorResponse' ? 'E' : ''}${answer.body.errorCode}`;
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }
        const why = fault(call, answer);
        if (why) failures.push(`${why}: ${call.type} ${call.shown.slice(0, 300)} → ${JSON.stringify(answer).slice(0, 300)}`);
      }
    }),
  );
  t.diagnostic(`seed ${SEED}; answers by errorCode (E = ErrorResponse): ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
  assert.equal(failures.length, 0, `${failures.length} request(s) answered wrongly:\n${failures.slice(0, 15).join('\n')}`);
  assert.ok((codes.get('0') ?? 0) > REQUESTS / 10, 'enough requests were valid enough to reach the handlers');
  assert.ok((codes.get('400') ?? 0) + (codes.get('E400') ?? 0) > REQUESTS / 20, 'enough requests reached the field checks');
  assert.equal(ts.server.grpc!.connections.size, connections, 'no connection was lost to a bad request');
  for (const client of clients) await usable(client);
});

test('junk on the stream (bytes, bad JSON, answers to nothing, a second setup) leaves the connection registered and its pushes working', async (t) => {
  const rand = prng(SEED + 1);
  const client = await connected();
  t.after(() => client.close());
  const grpc = ts.server.grpc!;
  const before = grpc.connections.size;
  const [connectionId] = [...grpc.connections.all()].map((c) => c.connectionId).slice(-1);
  for (let i = 0; i < 300; i++) {
    const r = rand();
    if (r < 0.3) client.sendRaw(Buffer.from(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256))));
    else if (r < 0.5) client.send('NotifySubscriberResponse', { requestId: String(Math.floor(rand() * 1e6)), resultCode: 200 });
    else if (r < 0.6) client.send('ConnectionSetupRequest', { clientVersion: 7, labels: [1, 2], tenant: { x: 1 } });
    else if (r < 0.7) client.send('ClientDetectionResponse', { requestId: null });
    else if (r < 0.8) client.send('NoSuchResponse', { junk: 'x'.repeat(Math.floor(rand() * 10_000)) });
    else client.sendRaw(Buffer.from(encodePayload({ type: 'NotifySubscriberResponse', clientIp: '', headers: {}, body: '{"requestId":' })));
  }
  await usable(client);
  assert.equal(grpc.connections.size, before, 'the connection is still registered');
  const connection = grpc.connections.get(connectionId);
  assert.ok(connection && !connection.closedBy);
  // A generous wait: the answer queues behind the junk still in flight on the stream.
  const acked = connection.push('NotifySubscriberRequest', { serviceInfo: { name: 'after-junk' } }, HANG_MS);
  let pushed = await client.next();
  while ('type' in pushed && pushed.type !== 'NotifySubscriberRequest') pushed = await client.next();
  assert.ok('type' in pushed, 'the stream is still open');
  client.send('NotifySubscriberResponse', { requestId: pushed.body.requestId, resultCode: 200 });
  await acked;
});

test('fuzzed ConnectionSetupRequests: every setup registers its connection, whatever its fields; random bytes leave it unregistered (301)', async (t) => {
  const rand = prng(SEED + 2);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const odd = () => pick<unknown>([null, 7, '', 'x'.repeat(5_000), [], ['a'], { a: 1 }, true, '💥', '\u0000']);
  for (let i = 0; i < 20; i++) {
    const client = new GrpcTestClient(grpcPort);
    t.after(() => client.close());
    client.openStream();
    const r = rand();
    if (r < 0.2) client.sendRaw(Buffer.from(Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256))));
    else if (r < 0.3) client.sendRaw(Buffer.from(encodePayload({ type: 'ConnectionSetupRequest', clientIp: '', headers: {}, body: pick(['{', '[]', '42', 'null', '']) })));
    else client.send('ConnectionSetupRequest', { clientVersion: odd(), tenant: odd(), labels: pick<unknown>([odd(), { module: odd(), AppName: odd(), source: 'sdk' }]), abilityTable: odd() });
    let answer = await client.request('HealthCheckRequest', {});
    // A setup that arrived is registered by the time a few health checks have passed.
    for (let n = 0; n < 5 && answer.type !== 'HealthCheckResponse'; n++) answer = await client.request('HealthCheckRequest', {});
    // Random bytes are no setup (unless they happen to decode as one); every setup registers, odd fields and all.
    if (r < 0.2) assert.ok(answer.type === 'HealthCheckResponse' || answer.body.errorCode === 301, JSON.stringify(answer));
    else assert.equal(answer.type, 'HealthCheckResponse', `setup ${i} was not registered`);
  }
  const after = await connected();
  t.after(() => after.close());
  await usable(after);
});

test('oversized and huge requests: over 10 MB is RESOURCE_EXHAUSTED, big, deep and 100k-entry bodies are refused naming the field; memory stays bounded', { timeout: 120_000 }, async (t) => {
  const client = await connected();
  t.after(() => client.close());
  // A full collection before each reading, so the heap counts what is still held, not garbage.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  // Just over the 10 MB limit, as a request and on the stream.
  const tooBig = { dataId: 'big', group: 'DEFAULT_GROUP', tenant: '', content: 'x'.repeat(10 * 1024 * 1024) };
  await assert.rejects(client.request('ConfigPublishRequest', tooBig), (err: Error & { code?: number }) => err.code === 8 && /larger than max/.test(err.message));
  await usable(client);

  // Big but allowed (9.5 MB): refused by the config's own content limit, many times over, without holding on to them.
  const heapBefore = heapAfterGc(gc);
  for (let i = 0; i < 12; i++) {
    const answer = await client.request('ConfigPublishRequest', { dataId: `big${i}`, group: 'DEFAULT_GROUP', tenant: '', content: 'y'.repeat(9_500_000) });
    assert.deepEqual([answer.type, answer.body.errorCode], ['ConfigPublishResponse', 400]);
    assert.match(answer.body.message, /content/);
  }
  const grown = heapAfterGc(gc) - heapBefore;
  t.diagnostic(`heap grew ${Math.round(grown / 1e6)} MB after 12 requests of 9.5 MB`);
  assert.ok(grown < 64 * 1024 * 1024, `heap grew ${grown} bytes after ~114 MB of refused requests`);

  // 100k entries: a batch of instances and a listen list, refused before their entries are read.
  const batch = await client.request('BatchInstanceRequest', {
    namespace: '',
    serviceName: 'huge',
    groupName: 'DEFAULT_GROUP',
    type: 'batchRegisterInstance',
    instances: Array.from({ length: 100_000 }, (_, i) => ({ ip: '10.9.2.1', port: (i % 65535) + 1 })),
  });
  assert.deepEqual([batch.type, batch.body.errorCode], ['ErrorResponse', 400]);
  assert.match(batch.body.message, /'instances' lists 100000 instances/);
  const listen = await client.request('ConfigBatchListenRequest', { listen: true, configListenContexts: Array.from({ length: 100_000 }, (_, i) => ({ dataId: `k${i}`, group: 'G', tenant: '', md5: '' })) });
  assert.deepEqual([listen.type, listen.body.errorCode], ['ConfigChangeBatchListenResponse', 400]);
  assert.match(listen.body.message, /configListenContexts/);

  // Deep nesting, where an object or a list is expected and where a string is.
  const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const nested = await client.request('InstanceRequest', `{"namespace":"","serviceName":"deep","groupName":"DEFAULT_GROUP","type":"registerInstance","instance":{"ip":"10.9.2.2","port":1,"metadata":${deep(100_000)}}}`);
  assert.equal(nested.body.errorCode, 400);
  assert.match(nested.body.message, /instance\.metadata/);
  const nestedContent = await client.request('ConfigPublishRequest', `{"dataId":"deep","group":"G","tenant":"","content":${deep(100_000)}}`);
  assert.equal(nestedContent.body.errorCode, 400);
  assert.match(nestedContent.body.message, /content/);
  const nestedContexts = await client.request('ConfigBatchListenRequest', `{"listen":true,"configListenContexts":[${deep(50_000)}]}`);
  assert.equal(nestedContexts.body.errorCode, 400);

  await usable(client);
});

test('a message over 10 MB on the stream ends that stream (RESOURCE_EXHAUSTED) and its connection as reset; the client sets up again', async (t) => {
  const client = await connected();
  t.after(() => client.close());
  const grpc = ts.server.grpc!;
  const connectionId = (await client.request('ServerCheckRequest', {})).body.connectionId as string;
  const ended = new Promise<string | undefined>((resolve) => {
    const stop = ts.server.ctx.events.on('connection', (e) => {
      if (e.cause !== 'CONNECTION_CLOSED' || e.connectionId !== connectionId) return;
      stop();
      resolve(e.ended);
    });
  });
  client.send('NotifySubscriberResponse', { requestId: '1', junk: 'z'.repeat(10 * 1024 * 1024 + 10) });
  const item = await client.next();
  assert.ok('ended' in item && /RESOURCE_EXHAUSTED|larger than max/i.test(item.ended), JSON.stringify(item));
  assert.equal(await ended, 'reset');
  assert.equal(grpc.connections.get(connectionId), undefined);
  client.openStream();
  client.send('ConnectionSetupRequest', SETUP);
  while ((await client.request('HealthCheckRequest', {})).type !== 'HealthCheckResponse') await sleep(10);
});

function heapAfterGc(gc: () => void): number {
  gc();
  return process.memoryUsage().heapUsed;
}

test('fuzzed connections leave nothing behind once closed: no connection, subscription, listen or held instance', async () => {
  const client = await connected();
  const connectionId = (await client.request('ServerCheckRequest', {})).body.connectionId as string;
  await client.request('SubscribeServiceRequest', { namespace: '', serviceName: 'leftover', groupName: 'DEFAULT_GROUP', subscribe: true, clusters: '' });
  await client.request('InstanceRequest', { namespace: '', serviceName: 'leftover', groupName: 'DEFAULT_GROUP', type: 'registerInstance', instance: { ip: '10.9.3.1', port: 1 } });
  await client.request('ConfigBatchListenRequest', { listen: true, configListenContexts: [{ dataId: 'leftover', group: 'G', tenant: '', md5: '' }] });
  client.close();
  const grpc = ts.server.grpc!;
  // Every client of this file has closed by now (each test closes its own).
  while (grpc.connections.size > 0) await sleep(20);
  assert.equal(ts.server.grpcPush!.subscriberCount, 0);
  assert.deepEqual(ts.server.ctx.registry.owningConnections(), []);
  assert.deepEqual(ts.server.configListenSets!.keysOf(connectionId), []);
});
