import { useCallback, useState } from 'react';
import { ApiError } from '../api/http.js';
import { namingApi, type ClusterInfo, type Diagnosis, type InstanceRow, type ServiceDetail, type ServiceRef } from '../api/naming-api.js';
import { FormDialog } from '../components/dialog.js';
import { Link } from '../components/link.js';
import { ErrorBox, Loading } from '../components/states.js';
import { usePoll } from '../hooks/use-poll.js';
import { navigate } from '../hooks/use-route.js';
import { formatThreshold, metadataInline } from '../logic/format.js';
import { servicesPath, serviceTimelinePath, type Route } from '../logic/routes.js';
import { ClusterHealthForm } from './cluster-health-form.js';
import { InstanceTable } from './instance-table.js';
import { ServiceForm } from './service-form.js';

export interface ServiceView {
  detail: ServiceDetail;
  clusters: { info: ClusterInfo; instances: InstanceRow[] }[];
  /** Latest probe result per persistent instance (`ip:port`), from its diagnosis. */
  probes: Map<string, Diagnosis['probe']>;
}

// Probe results come from one diagnosis per persistent instance; past this many rows the column stays empty.
const MAX_PROBED_ROWS = 30;

async function loadService(ref: ServiceRef, signal: AbortSignal): Promise<ServiceView> {
  const detail = await namingApi.service(ref, signal);
  // A cluster whose last instance left between the two requests answers 404: it is simply empty now.
  const instancesOf = (cluster: string) =>
    namingApi.instances(ref, cluster, signal).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return [];
      throw e;
    });
  const clusters = await Promise.all(detail.clusters.map(async (info) => ({ info, instances: await instancesOf(info.name) })));
  const persistent = clusters
    .flatMap((c) => c.instances)
    .filter((i) => !i.ephemeral)
    .slice(0, MAX_PROBED_ROWS);
  const probes = new Map<string, Diagnosis['probe']>();
  await Promise.all(
    persistent.map(async (i) => {
      probes.set(`${i.ip}:${i.port}`, (await namingApi.diagnosis(ref, i.ip, i.port, signal)).probe);
    }),
  );
  return { detail, clusters, probes };
}

/** One service: its settings, then its instances grouped by cluster, refreshed every second. */
export function ServicePage({ route }: { route: Extract<Route, { page: 'service' }> }) {
  const ref: ServiceRef = { namespace: route.namespace, group: route.group, name: route.name };
  const fetcher = useCallback((signal: AbortSignal) => loadService(ref, signal), [ref.namespace, ref.group, ref.name]);
  const view = usePoll(`service ${ref.namespace} ${ref.group} ${ref.name}`, fetcher);
  const [dialog, setDialog] = useState<'edit' | 'delete' | { cluster: ClusterInfo }>();
  const close = useCallback(() => setDialog(undefined), []);
  const d = view.data?.detail;

  return (
    <section>
      <p className="crumbs">
        <Link href={servicesPath(ref.namespace)}>Services</Link> / {ref.group}
      </p>
      <div className="page-head">
        <h1>{ref.name}</h1>
        <div className="actions">
          <Link className="button" href={serviceTimelinePath(ref.namespace, ref.group, ref.name)}>
            Timeline
          </Link>
          <button type="button" onClick={() => setDialog('edit')} disabled={!d}>
            Edit service
          </button>
          <button type="button" className="danger" onClick={() => setDialog('delete')} disabled={!d}>
            Delete service
          </button>
        </div>
      </div>
      {view.error && <ErrorBox error={view.error} stale={!!view.data} />}
      {view.loading && <Loading what="the service" />}
      {d && (
        <dl className="facts">
          <div>
            <dt>Kind</dt>
            <dd>{d.service.ephemeral === null ? 'not decided (no instance yet)' : d.service.ephemeral ? 'ephemeral (kept alive by client heartbeats)' : 'persistent (probed by the server)'}</dd>
          </div>
          <div>
            <dt>Protect threshold</dt>
            <dd>{formatThreshold(d.service.protectThreshold)}</dd>
          </div>
          <div>
            <dt>Selector</dt>
            <dd>
              {d.service.selector.type}
              {d.service.selector.expression ? `: ${d.service.selector.expression}` : ''}
            </dd>
          </div>
          <div>
            <dt>Metadata</dt>
            <dd>{metadataInline(d.service.metadata) || '—'}</dd>
          </div>
        </dl>
      )}
      {view.data && view.data.clusters.length === 0 && <p className="state empty">No instances: this service has no cluster yet.</p>}
      {view.data?.clusters.map(({ info, instances }) => (
        <section key={info.name} className="cluster" aria-labelledby={`cluster-${info.name}`}>
          <div className="cluster-head">
            <h2 id={`cluster-${info.name}`}>
              Cluster {info.name}{' '}
              <span className="muted">
                ({instances.length} instance{instances.length === 1 ? '' : 's'})
              </span>
            </h2>
            {d?.service.ephemeral === false && (
              <button type="button" onClick={() => setDialog({ cluster: info })}>
                Health check: {info.healthChecker.type}
                {info.healthChecker.type === 'HTTP' && info.healthChecker.path ? ` ${info.healthChecker.path}` : ''}
              </button>
            )}
          </div>
          <InstanceTable service={ref} instances={instances} probes={view.data!.probes} onChanged={view.reload} />
        </section>
      ))}
      {dialog === 'edit' && d && (
        <ServiceForm
          namespace={ref.namespace}
          onClose={close}
          onSaved={view.reload}
          existing={{ group: ref.group, name: ref.name, settings: { protectThreshold: d.service.protectThreshold, metadata: d.service.metadata, selector: d.service.selector } }}
        />
      )}
      {dialog === 'delete' && (
        <FormDialog
          title={`Delete service ${ref.name}?`}
          submitLabel="Delete"
          danger
          onClose={close}
          onSubmit={async () => {
            await namingApi.deleteService(ref);
            navigate(servicesPath(ref.namespace));
          }}>
          <p>The service and its settings are removed. The server refuses while instances remain: delete them first.</p>
        </FormDialog>
      )}
      {typeof dialog === 'object' && <ClusterHealthForm service={ref} cluster={dialog.cluster} onClose={close} onSaved={view.reload} />}
    </section>
  );
}
