import { promises as dns } from 'node:dns';
import { connect } from 'node:net';
import { AddressError, DEFAULT_PORT, parseServerAddress } from '../server-address.js';
import { fail, ok, type Check, type LookupAll } from './check.js';

const DNS_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 3_000;
// A name may resolve to many addresses; trying a few finds a live one without waiting minutes.
const MAX_ADDRESSES_TRIED = 4;

/** Nacos's other ports: a client pointed at one of them reaches a server that never answers HTTP. */
const NACOS_OTHER_PORTS: Record<number, { name: string; httpPort: number }> = {
  9848: { name: 'gRPC', httpPort: 8848 },
  9849: { name: 'cluster gRPC', httpPort: 8848 },
  7848: { name: 'Raft', httpPort: 8848 },
};

/** " (9848 is Nacos's gRPC port; its HTTP API is on 8848)" for a port that is known not to be HTTP; else "". */
export function otherPortHint(port: number): string {
  const other = NACOS_OTHER_PORTS[port];
  return other ? ` (${port} is Nacos's ${other.name} port; its HTTP API is usually on ${other.httpPort})` : '';
}

export const addressCheck: Check = {
  name: 'address',
  needs: [],
  activity: () => 'parsing the address',
  async run(state) {
    try {
      state.address = parseServerAddress(state.serverInput);
    } catch (error) {
      if (!(error instanceof AddressError)) throw error;
      return fail(`cannot use --server '${state.serverInput}': ${error.message}`, 'give --server (or CAIRN_SERVER) as host:port, e.g. --server 127.0.0.1:8848');
    }
    const a = state.address;
    return ok(`${a.baseUrl} (host ${a.host}, port ${a.port}, context path ${a.contextPath || '/'})`);
  },
};

export const dnsCheck: Check = {
  name: 'dns',
  needs: ['address'],
  activity: (s) => `resolving ${s.address!.host}`,
  async run(state) {
    const { host, ipVersion } = state.address!;
    if (ipVersion !== 0) {
      state.resolved = [host];
      return ok(`${host} is an IP address: no lookup needed`);
    }
    const fix = `check the spelling of '${host}'; if it is right, add it to DNS or /etc/hosts, or give the server's IP address: --server 10.0.0.5:${state.address!.port}`;
    // RFC 6761: resolvers must answer "no such name" for .invalid, so asking one would only leak the query.
    if (/(^|\.)invalid\.?$/i.test(host)) return fail(`'${host}' is under the reserved .invalid domain, which never resolves`, fix);
    try {
      const addresses = await withTimeout(state.lookup(host), DNS_TIMEOUT_MS);
      if (addresses.length === 0) return fail(`'${host}' resolves to no address`, fix);
      state.resolved = addresses;
      return ok(`${host} resolves to ${addresses.join(', ')}`);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'UNKNOWN';
      const why: Record<string, string> = {
        ENOTFOUND: 'no such host name',
        EAI_NONAME: 'no such host name',
        ENODATA: 'the name has no address record',
        EAI_AGAIN: 'the DNS server did not answer (temporary failure)',
        ETIMEDOUT: `no answer within ${DNS_TIMEOUT_MS} ms`,
      };
      if (code === 'EAI_AGAIN' || code === 'ETIMEDOUT') {
        return fail(`cannot resolve '${host}': ${why[code]} (${code})`, "check this machine's DNS settings (/etc/resolv.conf) and that its DNS server is reachable; the SDK keeps retrying, but nothing works until DNS answers");
      }
      return fail(`cannot resolve '${host}': ${why[code] ?? (error as Error).message} (${code})`, fix);
    }
  },
};

export const tcpCheck: Check = {
  name: 'tcp',
  needs: ['dns'],
  activity: (s) => `connecting to ${s.address!.hostPort}`,
  async run(state) {
    const port = state.address!.port;
    const tried: string[] = [];
    for (const ip of state.resolved!.slice(0, MAX_ADDRESSES_TRIED)) {
      const result = await connectOnce(ip, port);
      const where = ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
      if (result.ok) return ok(`connected to ${where} in ${result.ms} ms`, tried);
      tried.push(`${where}: ${result.reason} (${result.code})`);
    }
    const first = tried[0];
    const code = /\((\w+)\)$/.exec(first)?.[1];
    const summary = `cannot connect: ${first}`;
    const details = tried.slice(1);
    if (code === 'ECONNREFUSED') {
      const portHint = otherPortHint(port) || (port === DEFAULT_PORT ? '' : ` (Cairn and Nacos listen on ${DEFAULT_PORT} by default)`);
      return fail(summary, `start the server there (cairn start --port ${port}), or correct the port in --server${portHint}`, details);
    }
    if (code === 'ETIMEDOUT') return fail(summary, 'the host does not answer: check that it is up and that no firewall or security group drops port ' + port, details);
    return fail(summary, 'check the network route from this machine to the server (VPN, firewall, routing)', details);
  },
};

type ConnectResult = { ok: true; ms: number } | { ok: false; code: string; reason: string };

function connectOnce(host: string, port: number): Promise<ConnectResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: ConnectResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, code: 'ETIMEDOUT', reason: `no answer within ${CONNECT_TIMEOUT_MS} ms` }), CONNECT_TIMEOUT_MS);
    socket.once('connect', () => done({ ok: true, ms: Date.now() - started }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const reasons: Record<string, string> = {
        ECONNREFUSED: 'connection refused: nothing listens on that port',
        EHOSTUNREACH: 'no route to the host',
        ENETUNREACH: 'the network is unreachable',
        ECONNRESET: 'the connection was reset',
      };
      const code = error.code ?? 'UNKNOWN';
      done({ ok: false, code, reason: reasons[code] ?? error.message });
    });
  });
}

/** The default lookup: every address the system resolver (hosts file included) gives, as the SDK sees them. */
export const systemLookup: LookupAll = async (host) => (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
