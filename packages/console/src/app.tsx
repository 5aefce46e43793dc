import { lazy, Suspense, useCallback } from 'react';
import { namingApi } from './api/naming-api.js';
import { Link } from './components/link.js';
import { Loading } from './components/states.js';
import { usePoll } from './hooks/use-poll.js';
import { navigate, useRoute } from './hooks/use-route.js';
import { configsPath, connectionsPath, namespacesPath, servicesPath, type Route } from './logic/routes.js';
import { ConnectionsPage } from './pages/connections-page.js';
import { InstancePage } from './pages/instance-page.js';
import { NamespacesPage } from './pages/namespaces-page.js';
import { ServicePage } from './pages/service-page.js';
import { ServiceTimelinePage } from './pages/service-timeline-page.js';
import { ServicesPage } from './pages/services-page.js';

// The config pages load on first use: the YAML parser and the diff they need stay out of the first load.
const ConfigsPage = lazy(() => import('./pages/configs-page.js').then((m) => ({ default: m.ConfigsPage })));
const ConfigPage = lazy(() => import('./pages/config-page.js').then((m) => ({ default: m.ConfigPage })));
const ConfigEditorPage = lazy(() => import('./pages/config-editor-page.js').then((m) => ({ default: m.ConfigEditorPage })));
const ConfigHistoryPage = lazy(() => import('./pages/config-history-page.js').then((m) => ({ default: m.ConfigHistoryPage })));
const ConfigBetaPage = lazy(() => import('./pages/config-beta-page.js').then((m) => ({ default: m.ConfigBetaPage })));
const ConfigListenersPage = lazy(() => import('./pages/config-listeners-page.js').then((m) => ({ default: m.ConfigListenersPage })));

const SERVICE_PAGES: ReadonlySet<string> = new Set(['service', 'service-timeline', 'instance']);
const CONFIG_PAGES: ReadonlySet<string> = new Set(['config', 'config-new', 'config-edit', 'config-history', 'config-beta', 'config-listeners']);

/** Where the namespace switch leads: the same list in the other namespace. */
function listIn(route: Route, namespace: string): string {
  if (route.page === 'namespaces') return namespacesPath(namespace);
  if (route.page === 'connections') return connectionsPath(namespace);
  if (route.page === 'configs' || CONFIG_PAGES.has(route.page)) return configsPath(namespace);
  return servicesPath(namespace);
}

/** The shell: header with navigation and the namespace switch, then the page the URL names. */
export function App() {
  const route = useRoute();
  const fetchNamespaces = useCallback((signal: AbortSignal) => namingApi.namespaces(signal), []);
  const namespaces = usePoll('namespaces', fetchNamespaces, 10_000);
  const ns = route.namespace;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link className="brand" href={servicesPath(ns)}>
          Cairn
        </Link>
        <nav aria-label="Main">
          {/* A service, its timeline and its instances sit under Services: the header says where the page belongs. */}
          <Link href={servicesPath(ns)} aria-current={route.page === 'services' ? 'page' : undefined} className={SERVICE_PAGES.has(route.page) ? 'section' : undefined}>
            Services
          </Link>
          <Link href={configsPath(ns)} aria-current={route.page === 'configs' ? 'page' : undefined} className={CONFIG_PAGES.has(route.page) ? 'section' : undefined}>
            Configs
          </Link>
          <Link href={namespacesPath(ns)} aria-current={route.page === 'namespaces' ? 'page' : undefined}>
            Namespaces
          </Link>
          <Link href={connectionsPath(ns)} aria-current={route.page === 'connections' ? 'page' : undefined}>
            Connections
          </Link>
        </nav>
        <label className="ns-switch">
          <span>Namespace</span>
          <select value={ns} onChange={(e) => navigate(listIn(route, e.target.value))}>
            {(namespaces.data ?? [{ namespaceId: ns, namespaceShowName: ns }]).map((n) => (
              <option key={n.namespaceId} value={n.namespaceId}>
                {n.namespaceShowName}
                {n.namespaceId !== n.namespaceShowName ? ` (${n.namespaceId})` : ''}
              </option>
            ))}
          </select>
        </label>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading what="the page" />}>
          <Page route={route} reloadNamespaces={namespaces.reload} />
        </Suspense>
      </main>
    </>
  );
}

function Page({ route, reloadNamespaces }: { route: Route; reloadNamespaces: () => void }) {
  switch (route.page) {
    case 'services':
      return <ServicesPage route={route} />;
    case 'service':
      return <ServicePage key={`${route.namespace}/${route.group}/${route.name}`} route={route} />;
    case 'service-timeline':
      return <ServiceTimelinePage route={route} />;
    case 'instance':
      return <InstancePage route={route} />;
    case 'configs':
      return <ConfigsPage route={route} />;
    case 'config-new':
    case 'config-edit':
      return <ConfigEditorPage key={route.page === 'config-edit' ? `${route.namespace}/${route.group}/${route.dataId}` : `new ${route.namespace}`} route={route} />;
    case 'config':
      return <ConfigPage route={route} />;
    case 'config-history':
      return <ConfigHistoryPage route={route} />;
    case 'config-beta':
      return <ConfigBetaPage key={`${route.namespace}/${route.group}/${route.dataId}`} route={route} />;
    case 'config-listeners':
      return <ConfigListenersPage route={route} />;
    case 'connections':
      return <ConnectionsPage />;
    case 'namespaces':
      return <NamespacesPage namespace={route.namespace} onChanged={reloadNamespaces} />;
    default:
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            No console page at <code>{route.path}</code>. <Link href={servicesPath(route.namespace)}>Go to the services</Link>.
          </p>
        </section>
      );
  }
}
