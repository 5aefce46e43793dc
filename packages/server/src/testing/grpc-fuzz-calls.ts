import { encodePayload } from '@cairn/api';
import type { Answer, GrpcTestClient } from './grpc-test-client.js';

/*
 * The requests of the gRPC fuzz test and what a right answer to each is: plausible requests of every type the
 * server serves, then mutated, broken, reshaped or turned to bytes; see transports/grpc/grpc-fuzz.test.ts.
 * Ephemeral instances get made-up 10.x addresses or none, persistent ones only loopback.
 */

/** Far above any answer's time on a loaded machine: beyond it, a call counts as hung. */
export const HANG_MS = 20_000;

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

export interface FuzzCall {
  type: string;
  /** A JSON text (maybe broken), or bytes sent as they are instead of a Payload. */
  body: string | Buffer;
  /** What was sent, shortened, for the failure report. */
  shown: string;
}

/** Makes fuzz calls from a seeded generator: the same sequence for the same seed. */
export function fuzzCalls(rand: () => number): () => FuzzCall {
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
export async function sendFuzzCall(client: GrpcTestClient, call: FuzzCall): Promise<Answer | { grpcError: string } | { hung: true }> {
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
export function faultOf(call: FuzzCall, answer: Answer | { grpcError: string } | { hung: true }): string | undefined {
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
