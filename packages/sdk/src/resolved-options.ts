import { lookup as dnsLookup } from 'node:dns/promises';
import { parseServerList, type ServerAddress } from './address.js';
import { TokenSource } from './auth/token-source.js';
import { CairnConfigError } from './errors.js';
import type { NamingClientOptions } from './options.js';
import type { ClientClock, ClientLogger, LookupFunction } from './types.js';

/** The options after defaults and validation; frozen, never the caller's object. */
export interface ResolvedOptions {
  readonly servers: readonly ServerAddress[];
  readonly namespace: string;
  readonly protocol: 'http' | 'grpc';
  readonly grpcPortOffset: number;
  readonly appName: string;
  readonly contextPath: string;
  readonly credentials?: { readonly username: string; readonly password: string };
  readonly accessToken?: string;
  /** The client's access token, shared by its HTTP and gRPC transports. */
  readonly tokens: TokenSource;
  readonly requestTimeoutMs: number;
  readonly beatIntervalMs: number;
  readonly followServerInterval: boolean;
  readonly beatRetryBaseMs: number;
  readonly pollIntervalMs?: number;
  readonly push?: { readonly bindAddress: string; readonly clientIP: string };
  readonly cacheDir?: string;
  readonly pushEmptyProtection: boolean;
  readonly logger: ClientLogger;
  readonly lookup: LookupFunction;
  readonly clock: ClientClock;
  readonly random: () => number;
}

const NAMESPACE = /^[\w-]{1,128}$/;

export const realClock: ClientClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref(); // a client's timers never keep a process alive on their own
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

const consoleLogger: ClientLogger = {
  warn: (m, f) => console.warn(`[cairn-sdk] ${m}`, f ?? ''),
  error: (m, f) => console.error(`[cairn-sdk] ${m}`, f ?? ''),
};

const defaultLookup: LookupFunction = async (hostname) => {
  const r = await dnsLookup(hostname);
  return { address: r.address, family: r.family === 6 ? 6 : 4 };
};

function positive(value: number | undefined, fallback: number, setting: string, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new CairnConfigError(setting, `${setting} must be a number of at least ${min}, got ${String(value)}`);
  }
  return value;
}

export function resolveOptions(o: NamingClientOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null) throw new CairnConfigError('serverAddresses', 'options are required: { serverAddresses: [...] }');
  const namespace = o.namespace === undefined || o.namespace === '' ? 'public' : o.namespace;
  if (!NAMESPACE.test(namespace)) throw new CairnConfigError('namespace', `namespace '${namespace}' is not a namespace id (letters, digits, _ and -)`);
  const contextPath = normalizeContextPath(o.contextPath);
  if ((o.username === undefined) !== (o.password === undefined)) {
    throw new CairnConfigError(o.username === undefined ? 'username' : 'password', 'username and password go together: set both or neither');
  }
  if (o.accessToken !== undefined && (typeof o.accessToken !== 'string' || o.accessToken === '')) {
    throw new CairnConfigError('accessToken', 'accessToken must be a non-empty string');
  }
  const push = o.push ? { bindAddress: o.push.bindAddress ?? '127.0.0.1', clientIP: o.push.clientIP ?? o.push.bindAddress ?? '127.0.0.1' } : undefined;
  const resolved = {
    servers: Object.freeze(parseServerList(o.serverAddresses)),
    namespace,
    protocol: protocolOf(o.protocol),
    grpcPortOffset: offsetOf(o.grpcPortOffset),
    appName: o.appName ?? 'unknown',
    contextPath,
    ...(o.username !== undefined ? { credentials: Object.freeze({ username: o.username, password: o.password! }) } : {}),
    ...(o.accessToken !== undefined ? { accessToken: o.accessToken } : {}),
    requestTimeoutMs: positive(o.requestTimeoutMs, 5000, 'requestTimeoutMs', 10),
    beatIntervalMs: positive(o.beat?.intervalMs, 5000, 'beat.intervalMs', 10),
    followServerInterval: o.beat?.followServerInterval ?? true,
    beatRetryBaseMs: positive(o.beat?.retryBaseMs, 200, 'beat.retryBaseMs', 1),
    ...(o.pollIntervalMs !== undefined ? { pollIntervalMs: positive(o.pollIntervalMs, 0, 'pollIntervalMs', 10) } : {}),
    ...(push ? { push } : {}),
    ...(o.cacheDir ? { cacheDir: o.cacheDir } : {}),
    pushEmptyProtection: o.pushEmptyProtection ?? true,
    logger: o.logger ?? consoleLogger,
    lookup: o.lookup ?? defaultLookup,
    clock: o.clock ?? realClock,
    random: o.random ?? Math.random,
  };
  return Object.freeze({ ...resolved, tokens: new TokenSource(resolved) });
}

function protocolOf(p: unknown): 'http' | 'grpc' {
  if (p === undefined || p === 'http' || p === 'grpc') return p ?? 'http';
  throw new CairnConfigError('protocol', `protocol must be 'http' or 'grpc', got ${JSON.stringify(p)}`);
}

function offsetOf(offset: number | undefined): number {
  if (offset === undefined) return 1000;
  if (!Number.isInteger(offset) || offset < -65535 || offset > 65535) throw new CairnConfigError('grpcPortOffset', `grpcPortOffset must be an integer, got ${String(offset)}`);
  return offset;
}

function normalizeContextPath(raw: string | undefined): string {
  if (raw === undefined) return '/nacos';
  const p = raw === '/' || raw === '' ? '' : `/${raw.replace(/^\/+|\/+$/g, '')}`;
  if (!/^(\/[\w.~-]+)*$/.test(p)) throw new CairnConfigError('contextPath', `contextPath '${raw}' is not a URL path such as /nacos`);
  return p;
}
