/** The registry side of the browser tests: instances registered and kept alive over HTTP, as a client would. */

export interface Address {
  service: string;
  ip: string;
  port: number;
  cluster?: string;
}

function query(params: Record<string, string | number | boolean>): string {
  return new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
}

export async function api(base: string, method: string, path: string, params: Record<string, string | number | boolean> = {}): Promise<any> {
  const res = await fetch(`${base}${path}?${query(params)}`, { method });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
}

export function register(base: string, a: Address, extra: Record<string, string | number | boolean> = {}): Promise<unknown> {
  return api(base, 'POST', '/v1/ns/instance', { serviceName: a.service, ip: a.ip, port: a.port, clusterName: a.cluster ?? 'DEFAULT', ...extra });
}

/** The instance as the console's catalog API shows it, or undefined when it is gone. */
export async function catalogInstance(base: string, a: Address): Promise<{ healthy: boolean; enabled: boolean; weight: number } | undefined> {
  const res = await fetch(`${base}/v1/ns/catalog/instances?${query({ serviceName: a.service, clusterName: a.cluster ?? 'DEFAULT', pageNo: 1, pageSize: 100 })}`);
  if (res.status === 404) return undefined;
  const body = (await res.json()) as { list: { ip: string; port: number; healthy: boolean; enabled: boolean; weight: number }[] };
  return body.list.find((i) => i.ip === a.ip && i.port === a.port);
}

/** A client's heartbeat loop; `pause` skips beats for a while (a GC stall), `stop` ends it (the process died). */
export class Beater {
  private timer: ReturnType<typeof setInterval> | undefined;
  private pausedUntil = 0;

  constructor(
    private readonly base: string,
    private readonly a: Address,
    private readonly intervalMs: number,
  ) {}

  start(): this {
    this.timer = setInterval(() => {
      if (Date.now() < this.pausedUntil) return;
      void api(this.base, 'PUT', '/v1/ns/instance/beat', { serviceName: this.a.service, ip: this.a.ip, port: this.a.port, clusterName: this.a.cluster ?? 'DEFAULT' }).catch(() => undefined);
    }, this.intervalMs);
    return this;
  }

  pause(ms: number): void {
    this.pausedUntil = Date.now() + ms;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Resolves with the `at` of the first journal event of `cause` for the address, polling every 50 ms. */
export async function eventAt(base: string, a: Address, cause: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const page = await api(base, 'GET', '/v1/cairn/events', { serviceName: a.service, ip: a.ip, port: a.port, cause });
    if (page.events.length > 0) return page.events[page.events.length - 1].at as number;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${cause} event for ${a.ip}:${a.port} within ${timeoutMs} ms`);
}
