import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { authApi } from './api/auth-api.js';
import { namingApi } from './api/naming-api.js';
import { sessionStore, useSession } from './api/session.js';
import { Link } from './components/link.js';
import { ErrorBox, Loading } from './components/states.js';
import { useLoad } from './hooks/use-load.js';
import { usePoll } from './hooks/use-poll.js';
import { navigate, useRoute } from './hooks/use-route.js';
import { formatDateTime } from './logic/format.js';
import { type AdminPage, adminPath, BASE, configsPath, connectionsPath, loginPath, namespacesPath, servicesPath, type Route } from './logic/routes.js';
import { afterLogin, type Session } from './logic/session.js';
import { ConnectionsPage } from './pages/connections-page.js';
import { LoginPage } from './pages/login-page.js';
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
// Users, roles and permissions too: only admins of a server with auth on open them.
const UsersPage = lazy(() => import('./pages/users-page.js').then((m) => ({ default: m.UsersPage })));
const RolesPage = lazy(() => import('./pages/roles-page.js').then((m) => ({ default: m.RolesPage })));
const PermissionsPage = lazy(() => import('./pages/permissions-page.js').then((m) => ({ default: m.PermissionsPage })));
const ConfigListenersPage = lazy(() => import('./pages/config-listeners-page.js').then((m) => ({ default: m.ConfigListenersPage })));

const ADMIN_PAGES: { page: AdminPage; label: string }[] = [
  { page: 'users', label: 'Users' },
  { page: 'roles', label: 'Roles' },
  { page: 'permissions', label: 'Permissions' },
];

const SERVICE_PAGES: ReadonlySet<string> = new Set(['service', 'service-timeline', 'instance']);
const CONFIG_PAGES: ReadonlySet<string> = new Set(['config', 'config-new', 'config-edit', 'config-history', 'config-beta', 'config-listeners']);

/** Where the namespace switch leads: the same list in the other namespace. */
function listIn(route: Route, namespace: string): string {
  if (route.page === 'namespaces') return namespacesPath(namespace);
  if (route.page === 'connections') return connectionsPath(namespace);
  if (route.page === 'users' || route.page === 'roles' || route.page === 'permissions') return adminPath(route.page, namespace);
  if (route.page === 'configs' || CONFIG_PAGES.has(route.page)) return configsPath(namespace);
  return servicesPath(namespace);
}

const fetchAuthEnabled = (signal: AbortSignal) => authApi.authEnabled(signal);

/**
 * The gate: asks the server whether it wants a login (`auth_enabled` of its state). With auth on and nobody signed
 * in, the login page shows, keeping the page that was asked for; with auth off the console opens as it always did.
 */
export function App() {
  const route = useRoute();
  const { session, authRequired, notice } = useSession();
  const state = useLoad('server-state', fetchAuthEnabled);
  useEffect(() => {
    if (state.data !== undefined) sessionStore.setAuthRequired(state.data);
  }, [state.data]);
  const needLogin = authRequired === true && !session;
  const here = location.pathname + location.search;
  useEffect(() => {
    if (needLogin && route.page !== 'login') navigate(loginPath(here), true);
    if (!needLogin && authRequired !== undefined && route.page === 'login') navigate(afterLogin(route.next, BASE), true);
  }, [needLogin, authRequired, route, here]);

  if (authRequired === undefined && state.loading) return <Loading what="the console" />;
  if (needLogin) return <LoginPage next={route.page === 'login' ? route.next : here} notice={notice} />;
  if (route.page === 'login') return <Loading what="the console" />;
  return <Shell route={route} session={session} admin={authRequired !== true || session?.admin === true} />;
}

/** Asks for a new login when the token nears its end (90 % of its life) and ends the session when it expires. */
function useSessionTimers(session: Session | undefined): boolean {
  const [renewDue, setRenewDue] = useState(false);
  useEffect(() => {
    setRenewDue(false);
    if (!session) return;
    const now = Date.now();
    const later = (at: number, run: () => void) => setTimeout(run, Math.min(Math.max(0, at - now), 2_147_483_647));
    const renew = later(session.renewAt, () => setRenewDue(true));
    const expire = later(session.expiresAt, () => sessionStore.end('Your session expired. Log in again to continue.'));
    return () => {
      clearTimeout(renew);
      clearTimeout(expire);
    };
  }, [session]);
  return renewDue;
}

function logout(): void {
  navigate(loginPath(), true);
  sessionStore.end('You logged out.');
}

/** The shell: header with navigation and the namespace switch, then the page the URL names. */
function Shell({ route, session, admin }: { route: Route; session: Session | undefined; admin: boolean }) {
  const renewDue = useSessionTimers(session);
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
          {admin && (
            <>
              <Link href={connectionsPath(ns)} aria-current={route.page === 'connections' ? 'page' : undefined}>
                Connections
              </Link>
              {/* Users, roles and permissions exist only when the server asks for logins. */}
              {session
                && ADMIN_PAGES.map(({ page, label }) => (
                  <Link key={page} href={adminPath(page, ns)} aria-current={route.page === page ? 'page' : undefined}>
                    {label}
                  </Link>
                ))}
            </>
          )}
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
        {session && (
          <span className="who">
            <span>
              Signed in as <strong>{session.username}</strong>
              {session.admin ? ' (admin)' : ''}
            </span>
            <button type="button" onClick={logout}>
              Log out
            </button>
          </span>
        )}
      </header>
      {session && renewDue && (
        <div className="state notice renew" role="status">
          Your session ends at {formatDateTime(session.expiresAt, Date.now())}.{' '}
          <button type="button" onClick={() => sessionStore.end('Log in again to continue where you were.')}>
            Log in again
          </button>
        </div>
      )}
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading what="the page" />}>{ADMIN_ONLY.has(route.page) && !admin ? <AdminsOnly session={session} /> : <Page route={route} reloadNamespaces={namespaces.reload} admin={admin} />}</Suspense>
      </main>
    </>
  );
}

const ADMIN_ONLY: ReadonlySet<string> = new Set(['connections', 'users', 'roles', 'permissions']);

/** What a signed-in user who is not an admin sees at an admin page's address. */
function AdminsOnly({ session }: { session: Session | undefined }) {
  return (
    <section>
      <h1>For administrators only</h1>
      <ErrorBox error={new Error(`this page needs the ROLE_ADMIN role, and ${session?.username ?? 'this user'} does not have it. Ask an administrator, or log out and log in as one.`)} />
    </section>
  );
}

function Page({ route, reloadNamespaces, admin }: { route: Route; reloadNamespaces: () => void; admin: boolean }) {
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
      return <NamespacesPage namespace={route.namespace} onChanged={reloadNamespaces} canEdit={admin} />;
    case 'users':
      return <UsersPage route={route} />;
    case 'roles':
      return <RolesPage route={route} />;
    case 'permissions':
      return <PermissionsPage route={route} />;
    case 'login':
      return <Loading what="the page" />;
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
