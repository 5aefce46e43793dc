import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { prng } from '../../testing/prng.js';
import { startTestServer, type TestServer } from '../../testing/test-server.js';
import { writeZip } from './config/transfer/zip-writer.js';

/*
 * Robustness: thousands of random and malformed requests against every route the server registers (read from
 * the router, so routes added later are covered too). A client's mistake may earn any 4xx; a 5xx or a hang is
 * a bug. The seed is fixed, so a failure reproduces; a failure prints the offending requests.
 *
 * Network discipline: every address value is loopback or not an address at all (persistent instances may be
 * probed and subscribers are pushed to), and UDP push only ever reaches a sink socket of this test.
 */

// Fixed by default; CAIRN_FUZZ_SEED explores other sequences (a failure prints the requests to reproduce).
const SEED = Number(process.env.CAIRN_FUZZ_SEED ?? 0x5eed_cafe);
const REQUESTS = Number(process.env.CAIRN_FUZZ_REQUESTS ?? 3000);
const CONCURRENCY = 16;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

interface Route {
  method: string;
  url: string;
}
interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}
interface Outcome {
  request: FuzzRequest;
  status: number;
  text: string;
}

/** Every method+path the router knows, read from Fastify's route tree (children are printed relative to their parent). */
function routesOf(tree: string): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    const path = (depth > 0 ? stack[depth - 1] : '') + m[2];
    stack[depth] = path;
    stack.length = depth + 1;
    if (m[3]) for (const method of m[3].split(',').map((s) => s.trim())) routes.push({ method, url: path });
  }
  return routes;
}

const PARAM_NAMES = [
  'serviceName',
  'groupName',
  'namespaceId',
  'namespace',
  'clusterName',
  'cluster',
  'clusters',
  'ip',
  'port',
  'weight',
  'enabled',
  'enable',
  'healthy',
  'ephemeral',
  'metadata',
  'beat',
  'udpPort',
  'clientIP',
  'healthyOnly',
  'key',
  'pageNo',
  'pageSize',
  'protectThreshold',
  'selector',
  'checkPort',
  'healthChecker',
  'useInstancePortForCheck',
  'consistencyType',
  'instances',
  'namespaceName',
  'namespaceDesc',
  'customNamespaceId',
  'namespaceShowName',
  'entry',
  'value',
  'debug',
  'since',
  'until',
  'cause',
  'limit',
  'service',
  'keyword',
  'accessToken',
  'username',
  'password',
  'withInstances',
  'hasIpCount',
  'serviceNameParam',
  'groupNameParam',
  'show',
  'all',
  'onlyStatus',
  'type',
  'id',
  'ipAddress',
  'app',
  'tid',
  'env',
  'isCheck',
  'encoding',
  'instanceId',
  'clientId',
  'detailed',
  'format',
  // Config: the key, and the parameters that select /v1/cs/configs's operations (search, export, import, …).
  'dataId',
  'group',
  'tenant',
  'content',
  'appName',
  'config_tags',
  'src_user',
  'search',
  'types',
  'config_detail',
  'delType',
  'ids',
  'exportV2',
  'export',
  'import',
  'clone',
  'policy',
  'nid',
];

const LOOPBACK = ['127.0.0.1', '127.0.0.2', '::1'];
const NOT_AN_ADDRESS = ['999.1.1.1', 'not an ip', '1.2.3', '::::::::::::', '127.0.0.1 ', '💥', '-1', '', ' '];

function makeValues(rand: () => number, udpSinkPort: number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const weird = [
    '',
    ' ',
    '  \t ',
    '0',
    '-0',
    '-1',
    '1',
    '65535',
    '65536',
    '70000',
    '99999999999999999999',
    '1e309',
    '-1e309',
    '1e-400',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '1.5',
    '.5',
    '5.',
    '+7',
    'true',
    'false',
    'TRUE',
    'yes',
    'null',
    'undefined',
    '{}',
    '[]',
    '{"',
    '{"k":',
    '{"k":"v"}',
    '{"k":{"n":1}}',
    '{"k":[1,2]}',
    '[1,"a",null]',
    '"str"',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '@@',
    'a@@b',
    '@@b',
    'a@@',
    'a@@b@@c',
    '@@@@',
    'DEFAULT_GROUP@@fuzz',
    'public##DEFAULT_GROUP@@fuzz',
    '##',
    '%',
    '%zz',
    '../../etc/passwd',
    '<script>',
    "' OR 1=1 --",
    '服务',
    'ÿ',
    '\u0000',
    '\u0001',
    '\u007f',
    'svc\u0000name',
    '{"__proto__":"x"}',
    '__proto__=x',
    '{"ip":"127.0.0.1","port":true}',
    '{"ip":"127.0.0.1","port":[8080],"metadata":["k"]}',
    '\u202e',
    '💥🔥',
    'a=b,c=d',
    'a=b=c',
    '=',
    ',',
    ',,',
    'k=',
    '=v',
    'DEFAULT',
    'c-1,c_2',
    'bad cluster!',
    'TCP',
    'HTTP',
    'NONE',
    'MYSQL',
    '{"type":"HTTP","path":"/","headers":""}',
    '{"type":"label","expression":"CONSUMER.label.a = PROVIDER.label.a"}',
    '{"type":"bogus"}',
    'persist',
    'ephemeral',
    'public',
    'nope-ns',
    'x'.repeat(65),
    'x'.repeat(129),
    'x'.repeat(513),
    'x'.repeat(1025),
    'é'.repeat(3000),
    'a'.repeat(12_000),
  ];
  const beat = () =>
    JSON.stringify(
      pick([
        { ip: pick(LOOPBACK), port: int(-5, 70_000), cluster: pick(['DEFAULT', 'c1', '', 'bad!']), weight: pick([1, -1, 'x', 1e9, null]), metadata: pick([{}, { k: 'v' }, [1], 'str', null, { n: { deep: 1 } }]), scheduled: true },
        { ip: pick(NOT_AN_ADDRESS), port: pick([1, 'abc', null, 1.5]) },
        { serviceName: pick(['@@', 'a@@b', '']), ip: 127, port: '80' },
        [],
        'str',
        42,
        null,
      ]),
    ).slice(0, rand() < 0.2 ? int(1, 20) : undefined);
  const instances = () => JSON.stringify(pick([[{ ip: pick(LOOPBACK), port: int(1, 65535), clusterName: 'DEFAULT' }], [{ ip: 1 }], [null], {}, 'x', []]));
  const healthChecker = () => JSON.stringify(pick([{ type: 'TCP' }, { type: 'HTTP', path: '/health', headers: '' }, { type: 'MYSQL', user: 'u', pwd: 'p', cmd: 'select 1' }, { type: 'NONE' }, { type: 'NOPE' }, { type: 7 }, null, []]));

  return function valueFor(name: string): string {
    // Addresses first: a weird value such as 'DEFAULT' is a valid host name, and a registered host may get probed.
    if (name === 'ip' || name === 'ipAddress') return rand() < 0.6 ? pick(LOOPBACK) : pick(NOT_AN_ADDRESS);
    if (name === 'clientIP') return rand() < 0.6 ? '127.0.0.1' : pick(NOT_AN_ADDRESS);
    if (name === 'udpPort') return rand() < 0.6 ? String(udpSinkPort) : pick(['0', '-1', '65536', 'abc', '1.5']);
    if (rand() < 0.45) return pick(weird);
    switch (name) {
      case 'port':
      case 'checkPort':
        return String(pick([int(-10, 70_000), int(1, 65535), 0, 65535]));
      case 'weight':
      case 'protectThreshold':
        return String(pick([rand() * 2, rand() * 20_000 - 100, 0, 1]));
      case 'beat':
        return beat();
      case 'instances':
        return instances();
      case 'healthChecker':
        return healthChecker();
      case 'metadata':
      case 'selector':
        return pick(['{"a":"b"}', 'a=b,c=d', '{"preserved.heart.beat.interval":"1"}', '{"preserved.heart.beat.timeout":"abc"}', JSON.stringify({ big: 'v'.repeat(int(0, 2000)) })]);
      case 'serviceName':
      case 'service':
        return pick(['fuzz', 'DEFAULT_GROUP@@fuzz', 'g1@@fuzz', 'other', `s${int(0, 20)}`]);
      case 'groupName':
        return pick(['DEFAULT_GROUP', 'g1', 'bad group']);
      case 'namespaceId':
      case 'namespace':
      case 'customNamespaceId':
        return pick(['public', 'ns-fuzz', '', 'bad ns!']);
      case 'pageNo':
      case 'pageSize':
      case 'limit':
        return String(pick([int(-5, 200), 0, 1e9, 1]));
      case 'dataId':
        return pick(['fuzz.yaml', 'fuzz.json', 'f*', '*', `c${int(0, 9)}`]);
      case 'group':
        return pick(['DEFAULT_GROUP', 'G', '*', 'G*']);
      case 'tenant':
        return pick(['', 'public', 'ns-fuzz', 'nope-ns']);
      case 'search':
        return pick(['accurate', 'blur', 'fuzzy']);
      case 'delType':
        return 'ids';
      case 'ids':
      case 'nid':
        return pick([String(int(1, 40)), `${int(1, 40)},${int(1, 40)}`, '1,x', '-1', '']);
      case 'exportV2':
      case 'export':
      case 'import':
      case 'clone':
        return pick(['true', 'false']);
      case 'policy':
        return pick(['ABORT', 'SKIP', 'OVERWRITE', 'MERGE']);
      default:
        return rand() < 0.5 ? `v${int(0, 99)}` : pick(weird);
    }
  };
}

/** Where each of the config operations the fuzz selects by parameter runs. */
const CONFIG_OPERATION_TARGETS: Record<string, { method: string; path: string }> = {
  search: { method: 'GET', path: '/nacos/v1/cs/configs' },
  exportV2: { method: 'GET', path: '/nacos/v1/cs/configs' },
  export: { method: 'GET', path: '/nacos/v1/cs/configs' },
  import: { method: 'POST', path: '/nacos/v1/cs/configs' },
  clone: { method: 'POST', path: '/nacos/v1/cs/configs' },
  delType: { method: 'DELETE', path: '/nacos/v1/cs/configs' },
  nid: { method: 'POST', path: '/nacos/v1/cairn/config/rollback' },
  '': { method: 'GET', path: '/nacos/v2/cs/config/searchDetail' },
};

function buildRequest(rand: () => number, routes: Route[], valueFor: (n: string) => string, zips: readonly Buffer[]): FuzzRequest {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const route = pick(routes);
  let path = route.url.replace(/:(\w+)|\*/g, () => encodeURIComponent(valueFor('key')));
  const r = rand();
  if (r < 0.04) path = `${path}/${encodeURIComponent(valueFor('x'))}`;
  else if (r < 0.06) path = pick(['/nacos/v1/ns/%ZZ', '/nacos//v1/ns/instance', `/nacos/${'a/'.repeat(300)}`, '/nacos/v1/ns/instance/list/', '/nacos/v1/ns/../ns/instance']);
  let method = rand() < 0.75 ? route.method : pick(METHODS);

  const params: Array<[string, string]> = [];
  let upload = false;
  let cloning = false;
  // A quarter of the requests start from a plausible request and break only a few things, to get past validation.
  if (rand() < 0.25) {
    const port = String(1 + Math.floor(rand() * 4));
    params.push(['serviceName', pick(['fuzz', 'DEFAULT_GROUP@@fuzz', 'g1@@fuzz'])], ['ip', pick(LOOPBACK)], ['port', port]);
    if (rand() < 0.5) params.push(['udpPort', valueFor('udpPort')], ['clientIP', '127.0.0.1']);
    if (rand() < 0.3) params.push(['beat', JSON.stringify({ ip: '127.0.0.1', port: Number(port), cluster: 'DEFAULT', metadata: {}, scheduled: true })]);
    if (rand() < 0.3) params.push(['ephemeral', pick(['true', 'false'])]);
  } else if (rand() < 0.2) {
    // A plausible config request, often selecting one of /v1/cs/configs's operations; mostly valid values, so
    // that the operations run (an import or clone writes configs) rather than stop at the first check.
    const plausible = (name: string, valid: string) => (rand() < 0.8 ? valid : valueFor(name));
    params.push(['dataId', plausible('dataId', pick(['fuzz.yaml', 'c1', 'f*']))], ['group', plausible('group', pick(['G', 'DEFAULT_GROUP']))], ['content', `v${Math.floor(rand() * 5)}`]);
    const operation = pick(['search', 'exportV2', 'export', 'import', 'import', 'clone', 'delType', 'nid', '']);
    upload = operation === 'import';
    cloning = operation === 'clone';
    if (operation !== '') params.push([operation, plausible(operation, operation === 'search' ? pick(['accurate', 'blur']) : operation === 'delType' ? 'ids' : operation === 'nid' ? String(Math.floor(rand() * 40)) : 'true')]);
    // Aim most of them at the endpoint that runs the operation, or the fuzz would rarely reach it.
    if (rand() < 0.8) {
      const target = CONFIG_OPERATION_TARGETS[operation] ?? CONFIG_OPERATION_TARGETS[''];
      method = target.method;
      path = target.path;
    }
    if (rand() < 0.7) params.push(['ids', plausible('ids', `${Math.floor(rand() * 40)},${Math.floor(rand() * 40)}`)], ['policy', plausible('policy', pick(['ABORT', 'SKIP', 'OVERWRITE']))]);
    if (operation === 'clone' && rand() < 0.7) params.push(['tenant', pick(['', 'public'])]);
  }
  const count = Math.floor(rand() * (params.length > 0 ? 3 : 9));
  for (let i = 0; i < count; i++) {
    const name = rand() < 0.9 ? pick(PARAM_NAMES) : pick(['', 'x[]', 'a.b', '__proto__', 'constructor', '💥', 'x'.repeat(300)]);
    params.push([name, valueFor(name)]);
    if (rand() < 0.05) params.push([name, valueFor(name)]); // repeated key
  }
  const inQuery = upload || rand() < 0.6;
  let query = inQuery ? new URLSearchParams(params).toString() : '';
  if (rand() < 0.05) query += pick(['&serviceName=%E4%B8%AD%', '&ip=%zz', '&&&', '&=&=', '&port', '&a[b]=c', '&%00=%00']);
  const headers: Record<string, string> = {};
  if (rand() < 0.3) headers['user-agent'] = pick(['Nacos-Java-Client:v1.0.0', 'Nacos-Java-Client:v2.2.3', 'Nacos-Java-Client:vX', 'curl/8', '']);
  if (rand() < 0.05) headers.accesstoken = valueFor('accessToken').replace(/[^\x20-\x7e]/g, '?');

  let body: Buffer | undefined;
  // An import's upload skips the other kinds of body (its parameters stay in the query string).
  const b = upload && rand() < 0.8 ? 0.73 + rand() * 0.2 : rand();
  if (cloning && rand() < 0.8) {
    // A clone's list: config ids that may or may not exist, renamed or not, some malformed.
    const items = Array.from({ length: 1 + Math.floor(rand() * 4) }, () =>
      pick<unknown>([{ cfgId: Math.floor(rand() * 40) }, { cfgId: String(Math.floor(rand() * 40)), dataId: `copy${Math.floor(rand() * 3)}`, group: 'COPY' }, { cfgId: 1, group: 'bad group' }, null, { cfgId: -1 }, 'x']),
    );
    body = Buffer.from(JSON.stringify(items));
    headers['content-type'] = 'application/json';
  } else if (b < 0.01) {
    body = Buffer.alloc(2 * 1024 * 1024, 'a');
    headers['content-type'] = pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain']);
  } else if (!inQuery && b < 0.45) {
    body = Buffer.from(new URLSearchParams(params).toString());
    headers['content-type'] = pick(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf8', 'application/x-www-form-urlencoded; charset=GBK']);
  } else if (b < 0.6) {
    body = Buffer.from(JSON.stringify(Object.fromEntries(params)));
    headers['content-type'] = 'application/json';
  } else if (b < 0.72) {
    body = Buffer.from(
      pick([
        '{"serviceName":',
        '{',
        '[1,2',
        'nul',
        '{"a":1}}',
        '\u0000\u0001',
        '[]',
        '42',
        'null',
        '"s"',
        '{"__proto__":{"polluted":1}}',
        '[{"cfgId":1},{"cfgId":"2","dataId":"copy"},null,{"cfgId":"x"},5]',
        '[{"cfgId":3,"group":"bad group"}]',
      ]),
    );
    headers['content-type'] = pick(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON']);
  } else if (b < 0.76 || (upload && b < 0.95)) {
    // An upload as config import takes it: a zip (whole, cut short or noise) in a multipart field.
    const boundary = 'fuzzboundary';
    const zip = pick(zips);
    const file = rand() < 0.3 ? zip.subarray(0, Math.floor(rand() * zip.length)) : zip;
    const field = pick(['file', 'file', 'upload']);
    body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="c.zip"\r\nContent-Type: application/zip\r\n\r\n`), file, Buffer.from(rand() < 0.9 ? `\r\n--${boundary}--\r\n` : '')]);
    headers['content-type'] = pick([`multipart/form-data; boundary=${boundary}`, `multipart/form-data; boundary=${boundary}`, 'multipart/form-data; boundary=other', 'multipart/form-data']);
  } else if (b < 0.8) {
    body = Buffer.from(pick(['<xml/>', '--boundary\r\n', 'a=1', '\xff\xfe', '']));
    headers['content-type'] = pick(['text/xml', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/octet-stream', ';;;', 'application/x-www-form-urlencoded; charset=']);
  }
  return { method, path: query ? `${path}?${query}` : path, headers, body };
}

function send(agent: http.Agent | undefined, port: number, req: FuzzRequest): Promise<{ status: number; text: string }> {
  // Node's client sends a GET/HEAD/DELETE body without Content-Length unless told: say it, or the body reads as the next request.
  const headers = req.body ? { ...req.headers, 'content-length': String(req.body.length) } : req.headers;
  return new Promise((resolve) => {
    const r = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: agent ?? false, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 300) }));
      res.on('error', (err) => resolve({ status: 0, text: `response error: ${err.message}` }));
    });
    r.on('timeout', () => r.destroy(new Error('no answer within 5 s')));
    // A 2 MB body may be cut off by a 413; that is the server's right, not a fault.
    r.on('error', (err) => resolve({ status: err.message.includes('no answer') ? -1 : 0, text: err.message }));
    r.end(req.body);
  });
}

const MAX_HEADER_BYTES = 16 * 1024; // Node's default --max-http-header-size

function oversized(req: FuzzRequest): boolean {
  const headerBytes = req.path.length + Object.entries(req.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  return headerBytes > MAX_HEADER_BYTES - 512 || (req.body?.length ?? 0) > 1024 * 1024;
}

let ts: TestServer;
let sink: dgram.Socket;
let pushesSeen = 0;

before(async () => {
  sink = dgram.createSocket('udp4');
  sink.on('message', () => pushesSeen++);
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  ts = await startTestServer({ pushAckTimeoutMs: 50, pushRetries: 1 });
});

after(async () => {
  await ts.close();
  await new Promise<void>((resolve) => sink.close(() => resolve()));
});

test('the route tree parser finds every route', () => {
  const routes = routesOf(ts.server.app.printRoutes({ commonPrefix: false }));
  const has = (method: string, url: string) => routes.some((r) => r.method === method && r.url === url);
  assert.ok(has('POST', '/nacos/v1/ns/instance'));
  assert.ok(has('GET', '/nacos/v1/ns/instance/list'));
  assert.ok(has('PUT', '/nacos/v1/ns/instance/beat'));
  for (const r of routes) {
    assert.ok(r.url.startsWith('/'), r.url);
    // find-my-way prints a wildcard under a shared prefix without that prefix (`/nacos/*` for `/nacos/assets/*`),
    // so only static paths are checked back against the router.
    if (!r.url.includes('*')) assert.ok(ts.server.app.hasRoute({ method: r.method as 'GET', url: r.url }), `${r.method} ${r.url} is a real route`);
  }
});

test(`${REQUESTS} random and malformed requests: no 5xx, no hang, the server still answers`, async (t) => {
  const routes = routesOf(ts.server.app.printRoutes({ commonPrefix: false })).filter((r) => r.url.startsWith('/nacos'));
  assert.ok(routes.length >= 10, `found ${routes.length} routes`);
  t.diagnostic(`fuzzing ${routes.length} method+path pairs, seed ${SEED}`);
  const rand = prng(SEED);
  const valueFor = makeValues(rand, sink.address().port);
  const zips = [
    await writeZip([
      { name: 'G/fuzz.yaml', text: 'a: 1' },
      { name: '.metadata.yml', text: 'metadata:\n- dataId: fuzz.yaml\n  group: G\n  type: yaml\n' },
    ]),
    await writeZip([
      { name: 'G/c1', text: 'old layout' },
      { name: '.meta.yml', text: 'G.c1.app=x\r\n' },
    ]),
    await writeZip([
      { name: '.metadata.yml', text: 'metadata: [' },
      { name: 'a/b/c', text: '' },
    ]),
    Buffer.from('PK\u0003\u0004 not really a zip'),
  ];
  const requests = Array.from({ length: REQUESTS }, () => buildRequest(rand, routes, valueFor, zips));

  const port = Number(new URL(ts.url).port);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const failures: Outcome[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  let slowest = { ms: 0, what: '' };
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      // An oversized request gets its own connection: the server closes it, and a pooled socket closed under the
      // agent would fail the next, innocent request.
      const started = performance.now();
      const { status, text } = await send(oversized(request) ? undefined : agent, port, request);
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, what: `${request.method} ${request.path.slice(0, 120)}` };
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      // The server may cut the connection of an oversized request (431, 413) before or after answering; nothing else.
      const dropped = status === 0 && !oversized(request);
      if (status >= 500 || status === -1 || dropped) failures.push({ request, status, text });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}, UDP pushes seen: ${pushesSeen}, slowest: ${Math.round(slowest.ms)} ms ${slowest.what}`);

  const shown = failures
    .slice(0, 15)
    .map((f) => `${f.status} ${f.request.method} ${f.request.path.slice(0, 300)} ` + `${f.request.headers['content-type'] ?? ''} ${f.request.body ? f.request.body.subarray(0, 120).toString() : ''} → ${f.text}`);
  assert.equal(failures.length, 0, `${failures.length} request(s) failed:\n${shown.join('\n')}`);
  assert.ok((statuses.get(200) ?? 0) > REQUESTS / 20, 'enough requests were valid enough to reach the handlers');

  const metrics = await fetch(`${ts.url}/v1/ns/operator/metrics`);
  assert.equal(metrics.status, 200);
  assert.equal(((await metrics.json()) as { status: string }).status, 'UP');
  const reg = await fetch(`${ts.url}/v1/ns/instance?serviceName=after-fuzz&ip=127.0.0.1&port=1`, { method: 'POST' });
  assert.equal(reg.status, 200);
  const list = (await (await fetch(`${ts.url}/v1/ns/instance/list?serviceName=after-fuzz`)).json()) as { hosts: unknown[] };
  assert.equal(list.hosts.length, 1);
});
