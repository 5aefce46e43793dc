import { type FormEvent, type ReactNode, useCallback } from 'react';
import type { AuthPage } from '../api/auth-api.js';
import { FormDialog } from '../components/dialog.js';
import { Pager } from '../components/pager.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { type Polled, usePoll } from '../hooks/use-poll.js';
import { navigate } from '../hooks/use-route.js';
import { type AdminPage, adminPath } from '../logic/routes.js';

/** The shared parts of the Users, Roles and Permissions pages: the list with its search, pages and row actions. */

export const AUTH_PAGE_SIZE = 20;

export type AdminRoute = { page: AdminPage; namespace: string; filter: string; pageNo: number };

/** One page of users, roles or permissions, searched by the route's filter, polled every 5 s. */
export function useAuthList<T>(route: AdminRoute, load: (params: Record<string, string | number>, signal?: AbortSignal) => Promise<AuthPage<T>>, filterParam: 'username' | 'role'): Polled<AuthPage<T>> {
  const { page, filter, pageNo } = route;
  const fetcher = useCallback((signal: AbortSignal) => load({ [filterParam]: filter, pageNo, pageSize: AUTH_PAGE_SIZE }, signal), [load, filterParam, filter, pageNo]);
  return usePoll(`${page} ${filter} ${pageNo}`, fetcher, 5000);
}

/** A form field that must not be blank, trimmed; the error names it. */
export function requiredField(form: FormData, name: string, what: string): string {
  const value = String(form.get(name) ?? '').trim();
  if (value === '') throw new Error(`Enter ${what}.`);
  return value;
}

export interface Column<T> {
  label: string;
  cell: (item: T) => ReactNode;
  /** `data-col` of the cell, for tests and styles. */
  col?: string;
}

interface FrameProps<T> {
  route: AdminRoute;
  title: string;
  intro: ReactNode;
  /** The search field's label ("User name contains"). */
  filterLabel: string;
  noun: string;
  list: Polled<AuthPage<T>>;
  /** The button that adds a row ("Create user") and what it opens. */
  addLabel: string;
  onAdd: () => void;
  columns: Column<T>[];
  /** The row's key, and its `data-*` attributes (tests find rows by them). */
  rowData: (item: T) => Record<string, string>;
  rowActions: (item: T) => ReactNode;
  /** The page's dialogs. */
  children?: ReactNode;
}

/** The frame of the three admin lists: title and action, the search, the loading/empty/error states, the table, the pager. */
export function AuthListFrame<T>({ route, title, intro, filterLabel, noun, list, addLabel, onAdd, columns, rowData, rowActions, children }: FrameProps<T>) {
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    navigate(adminPath(route.page, route.namespace, { filter: String(new FormData(e.currentTarget).get('filter') ?? '').trim() }));
  };
  const data = list.data;
  return (
    <section>
      <div className="page-head">
        <h1>{title}</h1>
        <button type="button" className="primary" onClick={onAdd}>
          {addLabel}
        </button>
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
      {data && data.pageItems.length > 0 && (
        <div className="table-wrap">
          <table className={route.page}>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.label}>{c.label}</th>
                ))}
                <th>
                  <span className="sr">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.pageItems.map((item) => {
                const attrs = rowData(item);
                return (
                  <tr key={Object.values(attrs).join(' ')} {...attrs}>
                    {columns.map((c) => (
                      <td key={c.label} data-col={c.col}>
                        {c.cell(item)}
                      </td>
                    ))}
                    <td className="row-actions">{rowActions(item)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
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

/** A row's remove button, named for screen readers ("Remove role readers from alice"). */
export function RemoveButton({ label, name, onClick }: { label: string; name: string; onClick: () => void }) {
  return (
    <button type="button" className="danger" onClick={onClick} aria-label={name}>
      {label}
    </button>
  );
}

/** Confirms a removal, runs it, then reloads the list. */
export function RemoveDialog({ title, label, onClose, remove, list, children }: { title: string; label: string; onClose: () => void; remove: () => Promise<unknown>; list: Polled<unknown>; children: ReactNode }) {
  return (
    <FormDialog
      title={title}
      submitLabel={label}
      danger
      onClose={onClose}
      onSubmit={async () => {
        await remove();
        list.reload();
      }}>
      <p>{children}</p>
    </FormDialog>
  );
}
