import { useCallback, useState, type FormEvent } from 'react';
import { configApi, type ConfigSummary } from '../api/config-api.js';
import { FormDialog } from '../components/dialog.js';
import { Link } from '../components/link.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { usePoll } from '../hooks/use-poll.js';
import { navigate } from '../hooks/use-route.js';
import { configNewPath, configPath, configsPath, type Route } from '../logic/routes.js';
import { ConfigTransfer } from './config-transfer.js';
import { Pager } from '../components/pager.js';

const PAGE_SIZE = 20;

/** Configs of a namespace: search by data id, group and app, paged; create, delete, import and export. */
export function ConfigsPage({ route }: { route: Extract<Route, { page: 'configs' }> }) {
  const { namespace, dataId, group, appName, pageNo } = route;
  const fetcher = useCallback((signal: AbortSignal) => configApi.list(namespace, { dataId, group, appName, pageNo, pageSize: PAGE_SIZE }, signal), [namespace, dataId, group, appName, pageNo]);
  const list = usePoll(`configs ${namespace} ${dataId} ${group} ${appName} ${pageNo}`, fetcher, 5000);
  const [deleting, setDeleting] = useState<ConfigSummary>();
  const close = useCallback(() => setDeleting(undefined), []);

  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const field = (name: string) => String(form.get(name) ?? '').trim();
    navigate(configsPath(namespace, { dataId: field('dataId'), group: field('group'), appName: field('appName') }));
  };
  const filtered = dataId !== '' || group !== '' || appName !== '';
  const pages = list.data ? Math.max(1, Math.ceil(list.data.totalCount / PAGE_SIZE)) : 1;

  return (
    <section>
      <div className="page-head">
        <h1>Configs</h1>
        <div className="actions">
          <ConfigTransfer namespace={namespace} onImported={list.reload} />
          <Link className="button primary" href={configNewPath(namespace)}>
            Create config
          </Link>
        </div>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: the filters must stay a <form> (submit on Enter); role="search" makes it the search landmark */}
      <form className="filters" role="search" onSubmit={search} key={`${dataId}|${group}|${appName}`}>
        <label>
          Data ID (* as wildcard)
          <input name="dataId" defaultValue={dataId} />
        </label>
        <label>
          Group
          <input name="group" defaultValue={group} />
        </label>
        <label>
          App
          <input name="appName" defaultValue={appName} />
        </label>
        <button type="submit">Search</button>
      </form>
      {list.error && <ErrorBox error={list.error} stale={!!list.data} />}
      {list.loading && <Loading what="configs" />}
      {list.data && list.data.pageItems.length === 0 && <Empty>{filtered ? 'No config matches this search.' : 'No configs in this namespace yet. Create one here, import a zip, or publish from a client.'}</Empty>}
      {list.data && list.data.pageItems.length > 0 && (
        <div className="table-wrap">
          <table className="configs">
            <thead>
              <tr>
                <th>Data ID</th>
                <th>Group</th>
                <th>Type</th>
                <th>App</th>
                <th>
                  <span className="sr">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.pageItems.map((c) => (
                <tr key={`${c.group}@@${c.dataId}`} data-config={`${c.group}/${c.dataId}`}>
                  <td>
                    <Link href={configPath(namespace, c.group, c.dataId)}>{c.dataId}</Link>
                  </td>
                  <td>{c.group}</td>
                  <td>
                    <code>{c.type || 'text'}</code>
                  </td>
                  <td>{c.appName || '—'}</td>
                  <td className="row-actions">
                    <Link className="button" href={configPath(namespace, c.group, c.dataId, 'config-edit')} aria-label={`Edit ${c.dataId}`}>
                      Edit
                    </Link>
                    <Link className="button" href={configPath(namespace, c.group, c.dataId, 'config-history')} aria-label={`History of ${c.dataId}`}>
                      History
                    </Link>
                    <button type="button" className="danger" onClick={() => setDeleting(c)} aria-label={`Delete ${c.dataId}`}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && <Pager pageNo={pageNo} pages={pages} total={list.data.totalCount} noun="configs" hrefOf={(n) => configsPath(namespace, { dataId, group, appName, pageNo: n })} />}
      {deleting && <DeleteConfigDialog namespace={namespace} config={deleting} onClose={close} onDeleted={list.reload} />}
    </section>
  );
}

export function DeleteConfigDialog({ namespace, config, onClose, onDeleted }: { namespace: string; config: { group: string; dataId: string }; onClose: () => void; onDeleted: () => void }) {
  return (
    <FormDialog
      title={`Delete config ${config.dataId}?`}
      submitLabel="Delete"
      danger
      onClose={onClose}
      onSubmit={async () => {
        await configApi.remove({ namespace, group: config.group, dataId: config.dataId });
        onDeleted();
      }}>
      <p>
        Clients listening to <strong>{config.dataId}</strong> in group <strong>{config.group}</strong> are told it is gone. Its history stays.
      </p>
    </FormDialog>
  );
}
