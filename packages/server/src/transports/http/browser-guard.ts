import { canonicalIp } from '@cairn/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { parseAllowedHosts, parseAllowedOrigins } from '../../config/allowed-hosts.js';
import { isLoopbackHost } from '../../config/options.js';

/**
 * What a browser on a hostile page can make it send: DNS rebinding points the page's own name at this server, so
 * its requests arrive with that foreign name in `Host`; a cross-site form or fetch carries the page's `Origin`.
 * Both are refused before auth and before any handler, so such a request changes nothing. Requests without an
 * `Origin` (Nacos clients, SDKs, curl) are only checked for their `Host`, which is the address they dial.
 */
export interface BrowserGuardSettings {
  /** The address the server listens on (`--host`). */
  host: string;
  /** `--allowed-hosts`: further host names or addresses, any port; `*` turns the Host check off. */
  allowedHosts: string;
  /** `--allowed-origins`: further origins (`https://console.example.com`) whose requests are served. */
  allowedOrigins: string;
  /** Whether a socket peer is a trusted proxy (`--trusted-proxies`): its `X-Forwarded-Host` is the name checked. */
  trustedProxy?: (address: string) => boolean;
}

/** Installs the Host and Origin checks, and `X-Content-Type-Options: nosniff` on every answer. */
export function installBrowserGuard(app: FastifyInstance, settings: BrowserGuardSettings): void {
  const hostAllowed = hostCheck(settings);
  const origins = new Set(entriesOf(parseAllowedOrigins(settings.allowedOrigins)));
  // Every request of a client carries the same Host: its verdict is remembered (a few names, forgotten every 5 s,
  // as the machine's addresses can change), so a beat does not parse and look up the name each time.
  const verdicts = new Map<string, boolean>();
  let verdictsFrom = Date.now();
  const allowed = (raw: string): boolean => {
    const now = Date.now();
    if (now - verdictsFrom > 5_000 || verdicts.size >= 64) {
      verdicts.clear();
      verdictsFrom = now;
    }
    let verdict = verdicts.get(raw);
    if (verdict === undefined) {
      verdict = hostAllowed(hostnameOf(raw));
      verdicts.set(raw, verdict);
    }
    return verdict;
  };
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-content-type-options', 'nosniff');
    const asked = askedHost(request, settings.trustedProxy);
    if (asked !== undefined && !allowed(asked.raw)) {
      void reply
        .code(403)
        .type('text/plain; charset=utf-8')
        .send(`refused: the ${asked.header} header names '${printable(asked.raw)}', which is not this server's name or address; if clients reach it by that name, add it to --allowed-hosts (CAIRN_ALLOWED_HOSTS)`);
      return;
    }
    const origin = single(request.headers.origin);
    if (origin !== undefined && !origins.has(origin) && !sameOrigin(origin, asked && parsedHost(asked.raw))) {
      void reply
        .code(403)
        .type('text/plain; charset=utf-8')
        .send(`refused: the Origin header '${printable(origin)}' is not this server's own origin (a page elsewhere sent this request); to let that site call the APIs, add it to --allowed-origins (CAIRN_ALLOWED_ORIGINS)`);
      return;
    }
    done();
  });
}

/** The name the client asked for: `X-Forwarded-Host` from a trusted proxy, else `Host`. Undefined without either. */
function askedHost(request: FastifyRequest, trustedProxy: ((address: string) => boolean) | undefined): { header: string; raw: string } | undefined {
  const forwarded = single(request.headers['x-forwarded-host']);
  const fromProxy = forwarded !== undefined && trustedProxy?.(request.raw.socket.remoteAddress ?? '') === true;
  // A proxy chain may list several; the first is the name the client used.
  const raw = fromProxy ? forwarded.split(',')[0].trim() : single(request.headers.host);
  if (raw === undefined || raw === '') return undefined;
  return { header: fromProxy ? 'X-Forwarded-Host' : 'Host', raw };
}

/** Hostname and port of a Host value; one that does not parse matches no name (a NUL cannot be in a name). */
function parsedHost(raw: string): { hostname: string; port: string } {
  return splitHost(raw) ?? { hostname: `\u0000${raw}`, port: '' };
}

function hostnameOf(raw: string): string {
  return parsedHost(raw).hostname;
}

/** `name:port`, `[v6]:port`, a bare name: lower-cased hostname (IPv6 without brackets) and port ('' when none). */
export function splitHost(raw: string): { hostname: string; port: string } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(raw.trim());
  if (!m) return undefined;
  return {
    hostname: m[1]
      .replace(/^\[|\]$/g, '')
      .toLowerCase()
      .replace(/\.$/, ''),
    port: m[2] ?? '',
  };
}

/**
 * Which host names a request may carry. A loopback server: `localhost`, loopback addresses and its listen address,
 * plus `--allowed-hosts`. A server beyond loopback: any, unless `--allowed-hosts` lists names; then those, loopback
 * names, the listen address and, on every address (`0.0.0.0`, `::`), each address of this machine's interfaces (read
 * again at most every 5 s, as an address can come and go).
 */
export function hostCheck(settings: Pick<BrowserGuardSettings, 'host' | 'allowedHosts'>, interfaces: () => string[] = machineAddresses): (hostname: string) => boolean {
  const listed = entriesOf(parseAllowedHosts(settings.allowedHosts));
  if (listed.includes('*')) return () => true;
  // DNS rebinding reaches what only this machine's browser can reach: a loopback server. A server on the network has
  // auth on by default, and its clients dial names it cannot know (a Kubernetes service, a load balancer's name),
  // so there the Host check runs only when the operator lists the names (`--allowed-hosts`).
  if (listed.length === 0 && !isLoopbackHost(settings.host)) return () => true;
  const fixed = new Set([...listed.map(normal), normal(settings.host), 'localhost']);
  const everywhere = settings.host === '0.0.0.0' || settings.host === '::';
  let known = new Set<string>();
  let readAt = Number.NEGATIVE_INFINITY;
  return (hostname) => {
    const name = normal(hostname);
    if (fixed.has(name) || isLoopbackAddress(name) || name.endsWith('.localhost')) return true;
    if (!everywhere || isIP(name) === 0) return false;
    if (Date.now() - readAt > 5_000) {
      known = new Set(interfaces().map(normal));
      readAt = Date.now();
    }
    return known.has(name);
  };
}

function machineAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.split('%')[0]));
}

function normal(name: string): string {
  const bare = name.toLowerCase().replace(/^\[|\]$/g, '');
  return isIP(bare) === 0 ? bare : (canonicalIp(bare) ?? bare);
}

function isLoopbackAddress(name: string): boolean {
  return name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** An `Origin` naming the host the request asked for (same name and port; a missing port is the scheme's). */
function sameOrigin(origin: string, asked: { hostname: string; port: string } | undefined): boolean {
  if (asked === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // 'null' (a sandboxed frame, a file) and anything else that is not an origin
  }
  const defaultPort = url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '';
  if (defaultPort === '') return false;
  return normal(url.hostname) === normal(asked.hostname) && (url.port || defaultPort) === (asked.port || defaultPort);
}

/** A list the options already validated; a bad entry (only from code that skipped validation) allows nothing. */
function entriesOf(parsed: { entries: string[] } | { bad: string }): string[] {
  return 'entries' in parsed ? parsed.entries : [];
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A header value as it may appear in a message: printable ASCII, at most 100 characters. */
function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}
