import { maskSecrets } from '@cairn/core';
import { parseProbeTargets } from './probe-targets.js';
import { parseTrustedProxies } from './trusted-proxies.js';
import { parseAllowedHosts, parseAllowedOrigins } from './allowed-hosts.js';
/**
 * One schema for every setting: its flag, its environment variable, its default and how to parse it.
 * Flags win over environment variables, which win over defaults. The result is validated once and frozen.
 */
export interface ResolvedOptions {
  readonly port: number;
  /** Nacos 2.x gRPC port: -1 = HTTP port + 1000 (as Nacos), 0 = no gRPC. */
  readonly grpcPort: number;
  /** gRPC connections open at once at most; the setup of one more is refused. */
  readonly grpcMaxConnections: number;
  readonly host: string;
  readonly dataDir: string;
  /** Storage URL; empty = `sqlite:<dataDir>/cairn.db`. */
  readonly db: string;
  /** Cluster mode: nodes share the database named by `db` (PostgreSQL or MySQL) and apply each other's changes. */
  readonly cluster: boolean;
  /** Cluster mode: longest time between two reads of the change log (PostgreSQL also notifies at once). */
  readonly clusterPollMs: number;
  /** Cluster mode: `host:port` where the other nodes and clients reach this node; empty = the host and the bound port. */
  readonly clusterAddress: string;
  /** Cluster mode: time between two renewals of this node's lease. */
  readonly clusterRenewMs: number;
  /** Cluster mode: a node not renewed for this long is DOWN for every node (SUSPICIOUS after half of it). */
  readonly clusterLeaseMs: number;
  readonly contextPath: string;
  readonly logLevel: string;
  readonly beatIntervalMs: number;
  readonly beatTimeoutMs: number;
  readonly deleteTimeoutMs: number;
  readonly expireInstances: boolean;
  readonly emptyServiceTtlMs: number;
  readonly journalMaxEvents: number;
  readonly journalMaxAgeMs: number;
  readonly bodyLimitBytes: number;
  /** How long a request that changed stored data waits for the store before it answers 503. */
  readonly storeWaitMs: number;
  /** Largest config content accepted, in UTF-8 bytes. */
  readonly configMaxContentBytes: number;
  /** A held config long poll lasts at least this long (Nacos: 10 s); lower only for tests. */
  readonly configMinHoldMs: number;
  /** Config long polls held at once at most; one more answers 503 (each holds a connection). */
  readonly configMaxHeldPolls: number;
  readonly configHistoryMaxAgeMs: number;
  readonly pushEnabled: boolean;
  readonly pushAckTimeoutMs: number;
  readonly pushRetries: number;
  readonly subscriberTtlMs: number;
  readonly healthCheckEnabled: boolean;
  readonly probeIntervalMs: number;
  readonly probeTimeoutMs: number;
  readonly probeConcurrency: number;
  /**
   * Where health probes may go: comma list of `NETWORK[@PORTS]` (`127.0.0.0/8`, `10.0.0.0/8@8080-8090`,
   * `[::1]@80`). A persistent instance the server would probe elsewhere is refused. Empty: anywhere.
   */
  readonly probeTargets: string;
  /**
   * Requests must carry verified credentials and hold the permission they use. Unset: on when the server listens
   * beyond loopback (and, later, in cluster mode), off on loopback.
   */
  readonly authEnabled: boolean;
  /** Lifetime of an access token (Nacos: 18,000 s). */
  readonly tokenTtlSeconds: number;
  /** A file holding the first admin's password (read once, at the first start with auth on); the environment variable CAIRN_ADMIN_PASSWORD is the other way. */
  readonly adminPasswordFile: string;
  /** Listening beyond loopback with auth explicitly off must be asked for explicitly. */
  readonly allowUnauthenticated: boolean;
  /**
   * Comma list of proxy IPs/CIDRs; only a request whose socket peer is one of them has its client IP taken from
   * `X-Forwarded-For` / `X-Real-IP` (gray releases select by client IP). Empty: the socket peer is the client.
   */
  readonly trustedProxies: string;
  /** A gRPC connection silent this long is sent a ClientDetectionRequest (Nacos: 20 s). */
  readonly grpcIdleMs: number;
  /** Comma list of further names a request's `Host` may carry (beside loopback, localhost and the listen address); `*`: any. */
  readonly allowedHosts: string;
  /** Comma list of origins (`https://ops.example.com`) whose browser requests are served besides the server's own. */
  readonly allowedOrigins: string;
  /** Instances one service holds at most; a registration of one more is refused with 429 (LIMIT_EXCEEDED). */
  readonly maxInstancesPerService: number;
  /** Services one namespace holds at most; creating one more is refused with 429. */
  readonly maxServicesPerNamespace: number;
  /** Instances the server holds at most, all services together; one more is refused with 429. */
  readonly maxInstances: number;
  /** UDP push subscribers one client IP holds at most; one more still gets its list answer, but no push. */
  readonly maxSubscribersPerAddress: number;
  /** UDP push subscribers held at most, all clients together. */
  readonly maxSubscribers: number;
  /** From this share of the V8 heap limit on, new instances and services are refused with 503 (OVERLOADED). */
  readonly heapRefusePercent: number;
  /** The whole HTTP request (headers and body) must arrive within this; the time to answer is not counted. */
  readonly requestTimeoutMs: number;
  /** The headers of an HTTP request must arrive within this; at most requestTimeoutMs. */
  readonly headerTimeoutMs: number;
  /** A keep-alive HTTP connection idle this long between requests is closed. */
  readonly idleTimeoutMs: number;
  /** A shutdown (SIGTERM, SIGINT) ends within this, cutting the connections still open. */
  readonly shutdownTimeoutMs: number;
}

export type Options = Partial<ResolvedOptions>;

type Kind = 'int' | 'string' | 'address' | 'bool' | 'level' | 'path' | 'url' | 'proxies' | 'probe-targets' | 'file' | 'hosts' | 'origins';
interface Setting {
  key: keyof ResolvedOptions;
  kind: Kind;
  min?: number;
  max?: number;
  help: string;
}

export const SETTINGS: readonly Setting[] = [
  { key: 'port', kind: 'int', min: 0, max: 65535, help: 'HTTP port (0 = any free port)' },
  { key: 'grpcPort', kind: 'int', min: -1, max: 65535, help: 'Nacos 2.x gRPC port: -1 = HTTP port + 1000 as Nacos (any free port when --port is 0), 0 = gRPC off' },
  { key: 'grpcMaxConnections', kind: 'int', min: 1, max: 1_000_000, help: 'gRPC connections open at once at most; the ConnectionSetupRequest of one more is refused (the client tries again)' },
  { key: 'host', kind: 'string', help: 'address to listen on' },
  { key: 'dataDir', kind: 'string', help: 'folder for the embedded database' },
  { key: 'db', kind: 'url', help: 'storage: sqlite:FILE, mysql://user:pass@host:port/db or postgres://…; empty = sqlite in the data folder' },
  { key: 'cluster', kind: 'bool', help: "cluster mode: several nodes on one PostgreSQL or MySQL database (--db), each applying the others' changes" },
  { key: 'clusterPollMs', kind: 'int', min: 50, max: 10_000, help: 'cluster mode: longest time between two reads of the change log (PostgreSQL also notifies at once)' },
  { key: 'clusterAddress', kind: 'address', help: 'cluster mode: host:port where other nodes and clients reach this node; empty = --host and the bound port (the first external IPv4 when --host is 0.0.0.0 or ::)' },
  { key: 'clusterRenewMs', kind: 'int', min: 100, max: 60_000, help: "cluster mode: time between two renewals of this node's lease" },
  { key: 'clusterLeaseMs', kind: 'int', min: 500, max: 600_000, help: 'cluster mode: a node that has not renewed for this long is DOWN for every node (SUSPICIOUS after half of it); at least twice --cluster-renew-ms' },
  { key: 'contextPath', kind: 'path', help: 'URL prefix of every API' },
  { key: 'logLevel', kind: 'level', help: 'fatal, error, warn, info, debug, trace or silent' },
  { key: 'beatIntervalMs', kind: 'int', min: 100, max: 3_600_000, help: 'heartbeat interval told to clients' },
  { key: 'beatTimeoutMs', kind: 'int', min: 100, max: 86_400_000, help: 'unhealthy after this long without a beat' },
  { key: 'deleteTimeoutMs', kind: 'int', min: 100, max: 86_400_000, help: 'removed after this long without a beat' },
  { key: 'expireInstances', kind: 'bool', help: 'remove ephemeral instances after the delete timeout' },
  { key: 'emptyServiceTtlMs', kind: 'int', min: 0, max: 86_400_000, help: 'how long an empty service lives' },
  { key: 'journalMaxEvents', kind: 'int', min: 100, max: 10_000_000, help: 'events kept in the journal' },
  { key: 'journalMaxAgeMs', kind: 'int', min: 1000, max: 30 * 86_400_000, help: 'oldest event kept in the journal' },
  { key: 'bodyLimitBytes', kind: 'int', min: 1024, max: 64 * 1024 * 1024, help: 'largest request body accepted' },
  { key: 'storeWaitMs', kind: 'int', min: 100, max: 600_000, help: 'a change waits this long to be stored before it is answered 503 (it stays queued and is retried)' },
  { key: 'configMaxContentBytes', kind: 'int', min: 1, max: 10 * 1024 * 1024, help: 'largest config content accepted, in UTF-8 bytes' },
  { key: 'configMinHoldMs', kind: 'int', min: 100, max: 600_000, help: 'a config long poll is held max(this, Long-Pulling-Timeout - 500 ms) when nothing changed' },
  { key: 'configMaxHeldPolls', kind: 'int', min: 1, max: 1_000_000, help: 'config long polls held at once at most; one more is answered 503' },
  { key: 'configHistoryMaxAgeMs', kind: 'int', min: 60_000, max: 3650 * 86_400_000, help: 'config history older than this is pruned (hourly)' },
  { key: 'pushEnabled', kind: 'bool', help: 'push changes to UDP subscribers' },
  { key: 'pushAckTimeoutMs', kind: 'int', min: 10, max: 60_000, help: 'wait this long for a push-ack before resending' },
  { key: 'pushRetries', kind: 'int', min: 0, max: 10, help: 'resends of an unacknowledged push' },
  { key: 'subscriberTtlMs', kind: 'int', min: 1000, max: 3_600_000, help: 'forget a UDP subscriber that has not polled for this long' },
  { key: 'healthCheckEnabled', kind: 'bool', help: 'probe persistent instances (TCP, HTTP, MySQL) and mark them unhealthy when probes fail' },
  { key: 'probeIntervalMs', kind: 'int', min: 100, max: 3_600_000, help: 'time between two probes of a persistent instance (±10%)' },
  { key: 'probeTimeoutMs', kind: 'int', min: 10, max: 60_000, help: 'timeout of one health probe' },
  { key: 'probeConcurrency', kind: 'int', min: 1, max: 10_000, help: 'health probes in flight at most' },
  { key: 'probeTargets', kind: 'probe-targets', help: 'comma list of networks (CIDR, IPv6 in brackets) with optional @port or @low-high where health probes may go, e.g. 127.0.0.0/8,10.0.0.0/8@8080-8090,[::1]@80; empty = anywhere' },
  { key: 'authEnabled', kind: 'bool', help: 'require verified credentials and permissions on every API; default: on when --host is beyond loopback, off on loopback' },
  { key: 'tokenTtlSeconds', kind: 'int', min: 60, max: 30 * 86_400, help: 'lifetime of an access token issued at login' },
  { key: 'adminPasswordFile', kind: 'file', help: "file holding the first admin's password (or set CAIRN_ADMIN_PASSWORD); neither: a random one is printed once at the first start with auth on" },
  { key: 'allowUnauthenticated', kind: 'bool', help: 'allow listening beyond loopback with --auth-enabled false (anyone who reaches the port can change the registry)' },
  { key: 'trustedProxies', kind: 'proxies', help: 'comma list of proxy IPs/CIDRs whose X-Forwarded-For / X-Real-IP headers name the client IP; empty = trust none' },
  { key: 'grpcIdleMs', kind: 'int', min: 1000, max: 3_600_000, help: 'a gRPC connection silent this long is sent a ClientDetectionRequest and closed when it does not answer (Nacos: 20 s)' },
  {
    key: 'allowedHosts',
    kind: 'hosts',
    help: "comma list of further host names or addresses a request's Host header may name (loopback, localhost, the listen address and, on 0.0.0.0/::, this machine's addresses always may); empty beyond loopback = any; * = any",
  },
  { key: 'allowedOrigins', kind: 'origins', help: "comma list of origins (https://ops.example.com) whose browser requests are served; a request with another site's Origin header is refused" },
  { key: 'maxInstancesPerService', kind: 'int', min: 1, max: 10_000_000, help: 'instances one service holds at most; registering one more is refused with 429 (re-registrations and beats of held instances never are)' },
  { key: 'maxServicesPerNamespace', kind: 'int', min: 1, max: 10_000_000, help: 'services one namespace holds at most; creating one more (explicitly or by a registration) is refused with 429' },
  { key: 'maxInstances', kind: 'int', min: 1, max: 10_000_000, help: 'instances the server holds at most, all services together; registering one more is refused with 429' },
  { key: 'maxSubscribersPerAddress', kind: 'int', min: 1, max: 10_000_000, help: 'UDP push subscribers of one client IP at most; a list call beyond it is answered but not subscribed' },
  { key: 'maxSubscribers', kind: 'int', min: 1, max: 10_000_000, help: 'UDP push subscribers held at most, all clients together; a list call beyond it is answered but not subscribed' },
  { key: 'heapRefusePercent', kind: 'int', min: 1, max: 100, help: 'share of the heap limit (%) from which new instances and services are refused with 503 until use falls 10 points below; 100 = never' },
  {
    key: 'requestTimeoutMs',
    kind: 'int',
    min: 1000,
    max: 3_600_000,
    help: 'an HTTP request (headers and body) must arrive within this, or it is answered 408 and its connection closed; the time to answer (a held long poll) is not counted',
  },
  { key: 'headerTimeoutMs', kind: 'int', min: 1000, max: 3_600_000, help: 'the headers of an HTTP request must arrive within this (at most --request-timeout-ms), or it is answered 408 and its connection closed' },
  { key: 'idleTimeoutMs', kind: 'int', min: 1000, max: 3_600_000, help: 'a keep-alive HTTP connection idle this long between requests is closed' },
  { key: 'shutdownTimeoutMs', kind: 'int', min: 500, max: 600_000, help: 'a shutdown (SIGTERM, SIGINT) ends within this: connections still open then are cut, and the process exits' },
];

export const DEFAULT_OPTIONS: ResolvedOptions = Object.freeze({
  port: 8848,
  grpcPort: -1,
  grpcMaxConnections: 50_000,
  host: '127.0.0.1',
  dataDir: './data',
  db: '',
  cluster: false,
  clusterPollMs: 500,
  clusterAddress: '',
  // A renewal every 2 s within a 10 s lease: a node misses two renewals before it shows SUSPICIOUS, and a dead node
  // is DOWN everywhere within 10 s (the issue's target is 15 s).
  clusterRenewMs: 2_000,
  clusterLeaseMs: 10_000,
  contextPath: '/nacos',
  logLevel: 'info',
  beatIntervalMs: 5_000,
  beatTimeoutMs: 15_000,
  deleteTimeoutMs: 30_000,
  expireInstances: true,
  emptyServiceTtlMs: 60_000,
  journalMaxEvents: 100_000,
  journalMaxAgeMs: 24 * 3_600_000,
  bodyLimitBytes: 1024 * 1024,
  storeWaitMs: 5_000,
  configMaxContentBytes: 100 * 1024,
  configMinHoldMs: 10_000,
  configMaxHeldPolls: 10_000,
  configHistoryMaxAgeMs: 30 * 86_400_000,
  pushEnabled: true,
  pushAckTimeoutMs: 1_000,
  pushRetries: 3,
  subscriberTtlMs: 30_000,
  healthCheckEnabled: true,
  probeIntervalMs: 5_000,
  probeTimeoutMs: 500,
  probeConcurrency: 64,
  probeTargets: '',
  authEnabled: false,
  tokenTtlSeconds: 18_000,
  adminPasswordFile: '',
  allowUnauthenticated: false,
  trustedProxies: '',
  grpcIdleMs: 20_000,
  allowedHosts: '',
  allowedOrigins: '',
  // Sized for Node's default heap (a quarter of the machine's memory, at most 4 GB: 512 MB on a 2 GB machine): an
  // instance costs about 1 KB of live heap plus its journal event, counted 1.5 KB, so 200,000 instances take some
  // 300 MB and leave room for configs, connections and the journal (docs/configuration.md#limits has the figures).
  // Raise them together with --max-old-space-size; --heap-refuse-percent guards what they cannot.
  maxInstancesPerService: 20_000,
  maxServicesPerNamespace: 50_000,
  maxInstances: 200_000,
  // A subscriber is a few hundred bytes and a packet per change of its service; one client IP with a thousand
  // distinct (service, clusters, port) subscriptions is a runaway loop, not an application.
  maxSubscribersPerAddress: 1_000,
  maxSubscribers: 100_000,
  // Under V8's own line: it aborts ("Ineffective mark-compacts near heap limit") after four full collections in a row
  // that leave the old generation at 80 % of its limit or more while collecting takes most of the time.
  heapRefusePercent: 75,
  requestTimeoutMs: 30_000,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 72_000,
  shutdownTimeoutMs: 10_000,
});

export class OptionsError extends Error {}

export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function envName(key: string): string {
  return `CAIRN_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** Resolves options from (in order of precedence) explicit values, flags, environment, defaults. */
export function resolveOptions(explicit: Options = {}, argv: readonly string[] = [], env: Record<string, string | undefined> = {}): ResolvedOptions {
  const flags = parseFlags(argv);
  const out: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  const given = new Set<string>();
  for (const s of SETTINGS) {
    const fromEnv = env[envName(s.key)];
    const fromFlag = flags.get(flagName(s.key));
    if (fromEnv !== undefined && fromEnv !== '') out[s.key] = parseValue(s, fromEnv, envName(s.key));
    if (fromFlag !== undefined) out[s.key] = parseValue(s, fromFlag, flagName(s.key));
    if (explicit[s.key] !== undefined) out[s.key] = parseValue(s, String(explicit[s.key]), s.key);
    if ((fromEnv !== undefined && fromEnv !== '') || fromFlag !== undefined || explicit[s.key] !== undefined) given.add(s.key);
  }
  // Secure by default: a server others can reach checks credentials unless told otherwise.
  if (!given.has('authEnabled')) out.authEnabled = !isLoopbackHost(String(out.host));
  const resolved = out as unknown as ResolvedOptions;
  if (resolved.beatTimeoutMs < resolved.beatIntervalMs || resolved.deleteTimeoutMs < resolved.beatTimeoutMs) {
    throw new OptionsError('beatTimeoutMs must be at least beatIntervalMs, and deleteTimeoutMs at least beatTimeoutMs');
  }
  if (resolved.headerTimeoutMs > resolved.requestTimeoutMs) {
    throw new OptionsError(`--header-timeout-ms (${resolved.headerTimeoutMs}) must be at most --request-timeout-ms (${resolved.requestTimeoutMs})`);
  }
  if (resolved.grpcPort === -1 && resolved.port > 65535 - 1000) {
    throw new OptionsError(`--grpc-port defaults to the HTTP port + 1000, which is above 65535 for --port ${resolved.port}: set --grpc-port (0 = gRPC off)`);
  }
  // Checked here (not only when the store opens) so that `cairn start --cluster true` fails before anything starts.
  if (resolved.cluster && !/^(postgres|postgresql|mysql):\/\//i.test(resolved.db)) {
    throw new OptionsError('--cluster true needs a database every node reaches: set --db postgres://user:password@host:5432/db or --db mysql://user:password@host:3306/db (SQLite is a file of one node)');
  }
  if (resolved.clusterLeaseMs < 2 * resolved.clusterRenewMs) {
    throw new OptionsError(`--cluster-lease-ms (${resolved.clusterLeaseMs}) must be at least twice --cluster-renew-ms (${resolved.clusterRenewMs}): one late renewal must not make a node DOWN`);
  }
  // Nacos ships with auth off and is then open to anyone who can reach it; Cairn refuses that unless asked.
  if (!isLoopbackHost(resolved.host) && !resolved.authEnabled && !resolved.allowUnauthenticated) {
    throw new OptionsError(
      `--host ${resolved.host} with --auth-enabled false would let anyone who reaches the port change the registry: `
        + 'leave auth on (the default beyond loopback), listen on 127.0.0.1, or accept the risk with --allow-unauthenticated true',
    );
  }
  return Object.freeze(resolved);
}

function parseFlags(argv: readonly string[]): Map<string, string> {
  const known = new Set(SETTINGS.map((s) => flagName(s.key)));
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new OptionsError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!known.has(name)) throw new OptionsError(`unknown option '${name}' (see 'cairn start --help')`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new OptionsError(`option '${name}' needs a value`);
    flags.set(name, value);
  }
  return flags;
}

function parseValue(s: Setting, raw: string, source: string): unknown {
  switch (s.kind) {
    case 'int': {
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || n < (s.min ?? -Infinity) || n > (s.max ?? Infinity)) {
        throw new OptionsError(`${source} must be an integer from ${s.min} to ${s.max}, got '${raw}'`);
      }
      return n;
    }
    case 'bool':
      if (/^(true|1|yes|on)$/i.test(raw)) return true;
      if (/^(false|0|no|off)$/i.test(raw)) return false;
      throw new OptionsError(`${source} must be true or false, got '${raw}'`);
    case 'level':
      if (!/^(fatal|error|warn|info|debug|trace|silent)$/.test(raw)) throw new OptionsError(`${source} must be a log level, got '${raw}'`);
      return raw;
    case 'path': {
      const p = raw === '/' ? '' : `/${raw.replace(/^\/+|\/+$/g, '')}`;
      if (!/^(\/[\w.-]+)*$/.test(p)) throw new OptionsError(`${source} must be a URL path such as /nacos, got '${raw}'`);
      return p;
    }
    case 'url':
      if (raw.trim() !== '' && !/^(sqlite:|mysql:\/\/|postgres(ql)?:\/\/)/.test(raw.trim())) {
        throw new OptionsError(`${source} must start with sqlite:, mysql:// or postgres://, got '${maskSecrets(raw)}'`);
      }
      return raw.trim();
    case 'proxies': {
      const parsed = parseTrustedProxies(raw);
      if ('bad' in parsed) throw new OptionsError(`${source} must be a comma list of IP addresses or CIDR ranges, got '${parsed.bad}'`);
      return parsed.entries.join(',');
    }
    case 'probe-targets': {
      const parsed = parseProbeTargets(raw);
      if ('bad' in parsed) throw new OptionsError(`${source}: '${parsed.bad}' is not NETWORK[@PORTS]: ${parsed.why}`);
      return parsed.entries.join(',');
    }
    case 'file':
      return raw.trim();
    case 'address': {
      const address = raw.trim();
      const port = Number(address.slice(address.lastIndexOf(':') + 1));
      if (address !== '' && !(/^[^\s:/]+:\d+$|^\[[0-9a-fA-F:.]+\]:\d+$/.test(address) && port >= 1 && port <= 65535)) {
        throw new OptionsError(`${source} must be host:port (an IPv6 host in brackets), e.g. 10.0.0.2:8848, got '${raw}'`);
      }
      return address;
    }
    case 'hosts': {
      const parsed = parseAllowedHosts(raw);
      if ('bad' in parsed) throw new OptionsError(`${source} must be a comma list of host names or IP addresses (or *), got '${parsed.bad}'`);
      return parsed.entries.join(',');
    }
    case 'origins': {
      const parsed = parseAllowedOrigins(raw);
      if ('bad' in parsed) throw new OptionsError(`${source} must be a comma list of origins such as https://ops.example.com:8443 (scheme, host, optional port; no path), got '${parsed.bad}'`);
      return parsed.entries.join(',');
    }
    default:
      if (raw.trim() === '') throw new OptionsError(`${source} must not be empty`);
      return raw;
  }
}

/** The options as printed at start, with the password of a storage URL masked. */
export function describeOptions(options: ResolvedOptions): string {
  const width = Math.max(...SETTINGS.map((s) => s.key.length));
  return SETTINGS.map((s) => {
    const value = s.kind === 'url' ? maskSecrets(String(options[s.key])) || '(sqlite in data folder)' : String(options[s.key]);
    return `  ${s.key.padEnd(width)} ${value.padEnd(14)} ${flagName(s.key)} / ${envName(s.key)}`;
  }).join('\n');
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
