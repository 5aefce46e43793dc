/** The config side of the browser tests: configs published and read over HTTP, as a client or a second operator would. */

export interface ConfigKey {
  dataId: string;
  group?: string;
  tenant?: string;
}

function keyParams(k: ConfigKey): Record<string, string> {
  return { dataId: k.dataId, group: k.group ?? 'DEFAULT_GROUP', tenant: k.tenant ?? '' };
}

export async function publishConfig(base: string, k: ConfigKey, content: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(`${base}/v1/cs/configs`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ ...keyParams(k), content, ...extra }).toString(),
  });
  if (!res.ok) throw new Error(`publish ${k.dataId} answered ${res.status}: ${await res.text()}`);
}

/** The current version as `show=all` gives it, or undefined when the config does not exist. */
export async function configInfo(base: string, k: ConfigKey): Promise<{ content: string; md5: string; type: string; appName: string } | undefined> {
  const res = await fetch(`${base}/v1/cs/configs?${new URLSearchParams({ ...keyParams(k), show: 'all' })}`);
  if (!res.ok) throw new Error(`show=all ${k.dataId} answered ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return text.trim() === '' ? undefined : JSON.parse(text);
}

/**
 * Whether an API is on this server: the server answers "no such endpoint" (404) for a path it does not route.
 * Used by the tests of features whose server side lands separately; they skip while this is false.
 */
export async function hasEndpoint(base: string, method: string, path: string): Promise<boolean> {
  const res = await fetch(`${base}${path}`, { method });
  const text = await res.text();
  return !(res.status === 404 && text.startsWith('no such endpoint'));
}

/** Whether `GET /v1/cs/configs?search=blur` is a search here (a page of results) rather than a refused plain read. */
export async function hasConfigSearch(base: string): Promise<boolean> {
  const res = await fetch(`${base}/v1/cs/configs?search=blur&dataId=&group=&pageNo=1&pageSize=1`);
  if (!res.ok) return false;
  const body = (await res.json()) as { pageItems?: unknown };
  return Array.isArray(body.pageItems);
}
