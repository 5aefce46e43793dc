import { useCallback, useState, type FormEvent } from 'react';
import { namingApi, type ServiceSummary } from '../api/naming-api.js';
import { FormDialog } from '../components/dialog.js';
import { Link } from '../components/link.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { usePoll } from '../hooks/use-poll.js';
import { navigate } from '../hooks/use-route.js';
import { formatThreshold } from '../logic/format.js';
import { serviceHealth } from '../logic/instance-state.js';
import { servicePath, servicesPath, type Route } from '../logic/routes.js';
import { ServiceForm } from './service-form.js';
import { Pager } from '../components/pager.js';

const PAGE_SIZE = 20;

const HEALTH_LABEL = { empty: 'no instances', healthy: 'healthy', degraded: 'degraded', down: 'down', protected: 'protect threshold reached' };

/** Services of a namespace: search by name and group, paged, with live counts and the protect-threshold state. */
export function ServicesPage({ route }: { route: Extract<Route, { page: 'services' }> }) {
  const { namespace, name, group, pageNo } = route;
  const fetcher = useCallback((signal: AbortSignal) => namingApi.services(namespace, { name, group, pageNo, pageSize: PAGE_SIZE }, signal), [namespace, name, group, pageNo]);
  const list = usePoll(`services ${namespace} ${name} ${group} ${pageNo}`, fetcher);
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'delete'; service: ServiceSummary }>();
  const close = useCallback(() => setDialog(undefined), []);

  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    navigate(servicesPath(namespace, { name: String(form.get('name') ?? '').trim(), group: String(form.get('group') ?? '').trim() }));
  };
  const pages = list.data ? Math.max(1, Math.ceil(list.data.count / PAGE_SIZE)) : 1;

  return (
    <section>
      <div className="page-head">
        <h1>Services</h1>
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
          Create service
        </button>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: the filters must stay a <form> (submit on Enter); role="search" makes it the search landmark */}
      <form className="filters" role="search" onSubmit={search} key={`${name}|${group}`}>
        <label>
          Name contains
          <input name="name" defaultValue={name} />
        </label>
        <label>
          Group contains
          <input name="group" defaultValue={group} />
        </label>
        <button type="submit">Search</button>
      </form>
      {list.error && <ErrorBox error={list.error} stale={!!list.data} />}
      {list.loading && <Loading what="services" />}
      {list.data && list.data.serviceList.length === 0 && <Empty>{name || group ? 'No service matches this search.' : 'No services in this namespace yet. Services appear when a client registers an instance, or create one here.'}</Empty>}
      {list.data && list.data.serviceList.length > 0 && (
        <div className="table-wrap">
          <table className="services">
            <thead>
              <tr>
                <th>Service</th>
                <th>Group</th>
                <th>State</th>
                <th className="num">Clusters</th>
                <th className="num">Instances</th>
                <th className="num">Healthy</th>
                <th className="num">Unhealthy</th>
                <th className="num">Offline</th>
                <th>Protect threshold</th>
                <th>
                  <span className="sr">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.serviceList.map((s) => {
                const health = serviceHealth(s);
                return (
                  <tr key={`${s.groupName}@@${s.name}`} className={`svc-${health}`} data-service={s.name}>
                    <td>
                      <Link href={servicePath(namespace, s.groupName, s.name)}>{s.name}</Link>
                    </td>
                    <td>{s.groupName}</td>
                    <td>
                      <span className={`badge ${health}`}>{HEALTH_LABEL[health]}</span>
                    </td>
                    <td className="num">{s.clusterCount}</td>
                    <td className="num">{s.ipCount}</td>
                    <td className="num" data-col="healthy">
                      {s.healthyInstanceCount}
                    </td>
                    <td className="num" data-col="unhealthy">
                      {s.unhealthyInstanceCount > 0 ? <span className="bad">{s.unhealthyInstanceCount}</span> : 0}
                    </td>
                    <td className="num" data-col="disabled">
                      {s.disabledInstanceCount}
                    </td>
                    <td data-col="threshold">{formatThreshold(s.protectThreshold)}</td>
                    <td className="row-actions">
                      <button type="button" className="link danger" onClick={() => setDialog({ kind: 'delete', service: s })} aria-label={`Delete service ${s.name}`}>
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {list.data && <Pager pageNo={pageNo} pages={pages} total={list.data.count} noun="services" hrefOf={(n) => servicesPath(namespace, { name, group, pageNo: n })} />}
      {dialog?.kind === 'create' && <ServiceForm namespace={namespace} onClose={close} onSaved={list.reload} />}
      {dialog?.kind === 'delete' && (
        <FormDialog
          title={`Delete service ${dialog.service.name}?`}
          submitLabel="Delete"
          danger
          onClose={close}
          onSubmit={async () => {
            await namingApi.deleteService({ namespace, group: dialog.service.groupName, name: dialog.service.name });
            list.reload();
          }}>
          <p>
            The service{' '}
            <strong>
              {dialog.service.groupName}@@{dialog.service.name}
            </strong>{' '}
            and its settings are removed. The server refuses while instances remain.
          </p>
        </FormDialog>
      )}
    </section>
  );
}
