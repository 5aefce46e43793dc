import { normalizePath, type ProbeResult, type ProbeTarget } from '@cairn/core';
import { request } from 'node:http';
import { errorCode, runProbe } from './probe.js';

// Nacos's checker introduces itself so; health endpoints that let Nacos through let Cairn through too.
const USER_AGENT = 'VIPServer';

/**
 * HTTP: `GET http://ip:port<path>` on a fresh connection, redirects not followed. 200 passes (Nacos 2.x ignores
 * `expectedResponseCode`); 503 and 302 are ordinary failures (busy, or a login redirect); any other status and a
 * refused connection are definite failures, as in Nacos.
 */
export function httpProbe(target: ProbeTarget, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  return runProbe(target, timeoutMs, signal, (finish) => {
    const req = request({
      host: target.ip,
      port: target.port,
      method: 'GET',
      path: normalizePath(target.checker.path) || '/',
      headers: { 'user-agent': USER_AGENT, ...parseHeaders(target.checker.headers) },
      agent: false,
    });
    req.once('response', (res) => {
      res.resume(); // the body is not read; the status answers
      const status = res.statusCode ?? 0;
      if (status === 200) finish({ ok: true, failNow: false, status });
      else finish({ ok: false, failNow: status !== 503 && status !== 302, status, error: `HTTP ${status}` });
    });
    req.once('error', (error) => {
      const code = errorCode(error);
      finish({ ok: false, failNow: code === 'ECONNREFUSED', error: code });
    });
    req.end();
    return () => req.destroy();
  });
}

/** The checker's `headers` setting, `k:v|k2:v2`; entries without a name are skipped. */
export function parseHeaders(spec: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of (spec ?? '').split('|')) {
    const colon = entry.indexOf(':');
    if (colon <= 0) continue;
    const name = entry.slice(0, colon).trim();
    if (name) headers[name.toLowerCase()] = entry.slice(colon + 1).trim();
  }
  return headers;
}
