import { type FormEvent, type ReactNode, useCallback } from 'react';
import type { AuthPage } from '../api/auth-api.js';
import { Pager } from '../components/pager.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { type Polled, usePoll } from '../hooks/use-poll.js';
import { navigate } from '../hooks/use-route.js';
import { type AdminPage, adminPath } from '../logic/routes.js';

export const AUTH_PAGE_SIZE = 20;

export type AdminRoute = { page: AdminPage; namespace: string; filter: string; pageNo: number };

/** One page of users, roles or permissions, searched by the route's filter, polled every 5 s. */
export function useAuthList<T>(route: AdminRoute, load: (params: Record<string, string | number>, signal?: AbortSignal) => Promise<AuthPage<T>>, filterParam: 'username' | 'role'): Polled<AuthPage<T>> {
  const { page, filter, pageNo } = route;
  const fetcher = useCallback((signal: AbortSignal) => load({ [filterParam]: filter, pageNo, pageSize: AUTH_PAGE_SIZE }, signal), [load, filterParam, filter, pageNo]);
  return usePoll(`${page} ${filter} ${pageNo}`, fetcher, 5000);
}

interface FrameProps<T> {
  route: AdminRoute;
  title: string;
  intro: ReactNode;
  /** The search field's label ("User name contains"). */
  filterLabel: string;
  noun: string;
  list: Polled<AuthPage<T>>;
  action: ReactNode;
  /** The table of a non-empty page. */
  table: (items: T[]) => ReactNode;
  children?: ReactNode;
}

/** The frame of the three admin lists: title and action, the search, the loading/empty/error states, the pager. */
export function AuthListFrame<T>({ route, title, intro, filterLabel, noun, list, action, table, children }: FrameProps<T>) {
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    navigate(adminPath(route.page, route.namespace, { filter: String(new FormData(e.currentTarget).get('filter') ?? '').trim() }));
  };
  const data = list.data;
  return (
    <section>
      <div className="page-head">
        <h1>{title}</h1>
        {action}
      </div>
      <p className="meta">{intro}</p>
      {/* biome-ignore lint/a11y/useSemanticElements: the filter must stay a <form> (submit on Enter); role="search" makes it the search landmark */}
      <form className="filters" role="search" onSubmit={search} key={route.filter}>
        <label>
          {filterLabel}
          <input name="filter" defaultValue={route.filter} />
        </label>
        <button type="submit">Search</button>
      </form>
      {list.error && <ErrorBox error={list.error} stale={!!data} />}
      {list.loading && <Loading what={noun} />}
      {data && data.pageItems.length === 0 && <Empty>{route.filter ? `No ${noun} match this search.` : `No ${noun} yet.`}</Empty>}
      {data && data.pageItems.length > 0 && <div className="table-wrap">{table(data.pageItems)}</div>}
      {data && (
        <Pager
          pageNo={route.pageNo}
          pages={Math.max(1, data.pagesAvailable, Math.ceil(data.totalCount / AUTH_PAGE_SIZE))}
          total={data.totalCount}
          noun={noun}
          hrefOf={(n) => adminPath(route.page, route.namespace, { filter: route.filter, pageNo: n })}
        />
      )}
      {children}
    </section>
  );
}
