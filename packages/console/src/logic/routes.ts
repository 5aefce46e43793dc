/**
 * The console's URLs, under the server's context path. The namespace travels in the query string so that any
 * page can be bookmarked or shared. The server answers these paths with index.html (docs/console.md).
 */

/** The server's context path: `/nacos` unless the server says otherwise in index.html (it rewrites the tag). */
export const BASE = contextPath();

function contextPath(): string {
  if (typeof document === 'undefined') return '/nacos';
  return document.querySelector('meta[name="cairn-context-path"]')?.getAttribute('content') ?? '/nacos';
}

export type Route =
  | { page: 'services'; namespace: string; name: string; group: string; pageNo: number }
  | { page: 'service'; namespace: string; group: string; name: string }
  | { page: 'service-timeline'; namespace: string; group: string; name: string }
  | { page: 'instance'; namespace: string; group: string; name: string; ip: string; port: number; cluster: string }
  | { page: 'namespaces'; namespace: string }
  | { page: 'connections'; namespace: string }
  | { page: 'login'; namespace: string; next: string }
  | { page: AdminPage; namespace: string; filter: string; pageNo: number }
  | { page: 'configs'; namespace: string; dataId: string; group: string; appName: string; pageNo: number }
  | { page: 'config-new'; namespace: string }
  | ConfigPageRoute<ConfigTab>
  | { page: 'not-found'; namespace: string; path: string };

/** A config's own pages: its content, the editor, its history, its beta release and its listeners. */
export type ConfigTab = 'config' | 'config-edit' | 'config-history' | 'config-beta' | 'config-listeners';

// Distributes over the tabs, so that narrowing a Route by its page yields one config page's route.
type ConfigPageRoute<P extends ConfigTab> = P extends ConfigTab ? { page: P; namespace: string; group: string; dataId: string; nid?: number } : never;

const CONFIG_TABS: Record<string, ConfigTab> = { edit: 'config-edit', history: 'config-history', beta: 'config-beta', listeners: 'config-listeners' };

/** The pages of users, roles and permissions (admins only); `filter` searches the list (`blur`). */
export type AdminPage = 'users' | 'roles' | 'permissions';

const ADMIN_PAGES: readonly string[] = ['users', 'roles', 'permissions'] satisfies AdminPage[];

export const PUBLIC = 'public';

export function parseRoute(pathname: string, search: string): Route {
  const q = new URLSearchParams(search);
  const namespace = q.get('namespace') || PUBLIC;
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest
    .split('/')
    .filter((p) => p !== '')
    .map(safeDecode);
  if (parts.length === 0 || (parts.length === 1 && (parts[0] === 'services' || parts[0] === 'index.html'))) {
    return { page: 'services', namespace, name: q.get('name') ?? '', group: q.get('group') ?? '', pageNo: pageNoOf(q) };
  }
  if (parts[0] === 'namespaces' && parts.length === 1) return { page: 'namespaces', namespace };
  if (parts[0] === 'connections' && parts.length === 1) return { page: 'connections', namespace };
  if (parts[0] === 'login' && parts.length === 1) return { page: 'login', namespace, next: q.get('next') ?? '' };
  if (ADMIN_PAGES.includes(parts[0]) && parts.length === 1) return { page: parts[0] as AdminPage, namespace, filter: q.get('filter') ?? '', pageNo: pageNoOf(q) };
  if (parts[0] === 'configs') return configRoute(parts, q, namespace) ?? { page: 'not-found', namespace, path: pathname };
  if (parts[0] === 'services' && parts.length >= 3) {
    const [, group, name, kind, address] = parts;
    if (parts.length === 3) return { page: 'service', namespace, group, name };
    if (parts.length === 4 && kind === 'timeline') return { page: 'service-timeline', namespace, group, name };
    if (parts.length === 5 && kind === 'instances') {
      const at = address.lastIndexOf(':');
      const port = Number(address.slice(at + 1));
      if (at > 0 && Number.isInteger(port)) {
        return { page: 'instance', namespace, group, name, ip: address.slice(0, at), port, cluster: q.get('cluster') ?? 'DEFAULT' };
      }
    }
  }
  return { page: 'not-found', namespace, path: pathname };
}

function configRoute(parts: string[], q: URLSearchParams, namespace: string): Route | undefined {
  if (parts.length === 1) {
    return { page: 'configs', namespace, dataId: q.get('dataId') ?? '', group: q.get('group') ?? '', appName: q.get('appName') ?? '', pageNo: pageNoOf(q) };
  }
  if (parts.length === 2 && parts[1] === 'new') return { page: 'config-new', namespace };
  const [, group, dataId, tab] = parts;
  if (parts.length === 3) return { page: 'config', namespace, group, dataId };
  if (parts.length === 4 && Object.hasOwn(CONFIG_TABS, tab)) {
    const page = CONFIG_TABS[tab];
    const nid = Number(q.get('nid') ?? '');
    return page === 'config-history' && q.has('nid') && Number.isInteger(nid) && nid > 0 ? { page, namespace, group, dataId, nid } : { page, namespace, group, dataId };
  }
  return undefined;
}

function pageNoOf(q: URLSearchParams): number {
  const pageNo = Number(q.get('page') ?? '1');
  return Number.isInteger(pageNo) && pageNo > 0 ? pageNo : 1;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === '') continue;
    if (k === 'namespace' && v === PUBLIC) continue;
    if (k === 'page' && v === 1) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

const enc = encodeURIComponent;

export function servicesPath(namespace: string, filter: { name?: string; group?: string; pageNo?: number } = {}): string {
  return withQuery(`${BASE}/services`, { namespace, name: filter.name, group: filter.group, page: filter.pageNo });
}

export function servicePath(namespace: string, group: string, name: string): string {
  return withQuery(`${BASE}/services/${enc(group)}/${enc(name)}`, { namespace });
}

export function serviceTimelinePath(namespace: string, group: string, name: string): string {
  return withQuery(`${BASE}/services/${enc(group)}/${enc(name)}/timeline`, { namespace });
}

export function instancePath(namespace: string, group: string, name: string, ip: string, port: number, cluster: string): string {
  return withQuery(`${BASE}/services/${enc(group)}/${enc(name)}/instances/${enc(ip)}:${port}`, { namespace, cluster: cluster === 'DEFAULT' ? undefined : cluster });
}

export function namespacesPath(namespace: string): string {
  return withQuery(`${BASE}/namespaces`, { namespace });
}

/** The gRPC connections; the namespace only keeps the switch where it was (connections span namespaces). */
export function connectionsPath(namespace: string): string {
  return withQuery(`${BASE}/connections`, { namespace });
}

export function configsPath(namespace: string, filter: { dataId?: string; group?: string; appName?: string; pageNo?: number } = {}): string {
  return withQuery(`${BASE}/configs`, { namespace, dataId: filter.dataId, group: filter.group, appName: filter.appName, page: filter.pageNo });
}

export function configNewPath(namespace: string): string {
  return withQuery(`${BASE}/configs/new`, { namespace });
}

const TAB_SEGMENT: Record<ConfigTab, string> = { config: '', 'config-edit': '/edit', 'config-history': '/history', 'config-beta': '/beta', 'config-listeners': '/listeners' };

/** A config's page; `nid` selects a history record to compare with the current version. */
export function configPath(namespace: string, group: string, dataId: string, tab: ConfigTab = 'config', nid?: number): string {
  return withQuery(`${BASE}/configs/${enc(group)}/${enc(dataId)}${TAB_SEGMENT[tab]}`, { namespace, nid: tab === 'config-history' ? nid : undefined });
}

/** The login page; `next` is the page to return to (the login keeps the route). */
export function loginPath(next?: string): string {
  return withQuery(`${BASE}/login`, { next });
}

/** Users, roles or permissions, searched by `filter` (a user name, or a role name), paged. */
export function adminPath(page: AdminPage, namespace: string, filter: { filter?: string; pageNo?: number } = {}): string {
  return withQuery(`${BASE}/${page}`, { namespace, filter: filter.filter, page: filter.pageNo });
}
