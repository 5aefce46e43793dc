import http from 'node:http';
import { freePortPair, spawnServer, type SpawnedServer } from '@cairn/testkit';
import type { ClientLogger } from '../types.js';

/** Polls `check` every 25 ms until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function captureLogger(): ClientLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A raw GET on the server (base URL including the context path), independent of the SDK. */
export function rawGet(baseUrl: string, pathAndQuery: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(baseUrl + pathAndQuery, { timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** A config's gray versions as the server lists them (raw wire call): `<grayName>=<content>` each. */
export async function grayVersions(baseUrl: string, dataId: string, group: string): Promise<string[]> {
  const r = await rawGet(baseUrl, `/v1/cairn/config/gray?dataId=${encodeURIComponent(dataId)}&group=${encodeURIComponent(group)}`);
  return (JSON.parse(r.body) as { grays: Array<{ grayName: string; content: string }> }).grays.map((g) => `${g.grayName}=${g.content}`);
}

/** The hosts the server lists for a service (raw wire call). */
export async function serverHosts(baseUrl: string, service: string, namespace = 'public'): Promise<Array<{ ip: string; port: number; healthy: boolean }>> {
  const r = await rawGet(baseUrl, `/v1/ns/instance/list?serviceName=${encodeURIComponent(`DEFAULT_GROUP@@${service}`)}&namespaceId=${namespace}`);
  if (r.status !== 200) throw new Error(`list answered ${r.status}: ${r.body}`);
  return (JSON.parse(r.body) as { hosts: Array<{ ip: string; port: number; healthy: boolean }> }).hosts;
}

/** True once the server lists ip:port of the service as healthy. */
export async function listedHealthy(baseUrl: string, service: string, port: number): Promise<boolean> {
  return (await serverHosts(baseUrl, service)).some((h) => h.port === port && h.healthy);
}

export function portOf(url: string): number {
  return Number(new URL(url).port);
}

/**
 * A real server on a port p whose p + 1000 was free, so its gRPC port is p + 1000, where Nacos 2.x clients (and
 * this SDK with `protocol: 'grpc'`) dial a server configured as p.
 */
export async function spawnWithGrpc(args: string[] = []): Promise<{ server: SpawnedServer; port: number }> {
  const port = await freePortPair();
  return { server: await spawnServer(['--port', String(port), ...args]), port };
}
