import { useCallback, useState } from 'react';
import { configApi, type ConfigInfo, type ConfigRef } from '../api/config-api.js';
import { CodeView } from '../components/code-view.js';
import { ConfigHeader } from '../components/config-tabs.js';
import { Link } from '../components/link.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { useNow, usePoll } from '../hooks/use-poll.js';
import { navigate } from '../hooks/use-route.js';
import { formatDateTime } from '../logic/format.js';
import { configPath, configsPath, type Route } from '../logic/routes.js';
import { DeleteConfigDialog } from './configs-page.js';

/** A config's current version: its content and facts, with edit and delete. */
export function ConfigPage({ route }: { route: Extract<Route, { page: 'config' }> }) {
  const cref: ConfigRef = { namespace: route.namespace, group: route.group, dataId: route.dataId };
  const fetcher = useCallback((signal: AbortSignal) => configApi.get({ namespace: route.namespace, group: route.group, dataId: route.dataId }, signal), [route.namespace, route.group, route.dataId]);
  const config = usePoll(`config ${route.namespace} ${route.group} ${route.dataId}`, fetcher, 3000);
  const [deleting, setDeleting] = useState(false);
  const close = useCallback(() => setDeleting(false), []);
  const now = useNow(5000);
  const c = config.data;

  return (
    <section>
      <ConfigHeader cref={cref} current="config">
        {c && (
          <>
            <Link className="button primary" href={configPath(cref.namespace, cref.group, cref.dataId, 'config-edit')}>
              Edit config
            </Link>
            <button type="button" className="danger" onClick={() => setDeleting(true)}>
              Delete config
            </button>
          </>
        )}
      </ConfigHeader>
      {config.error && <ErrorBox error={config.error} stale={!!c} />}
      {config.loading && <Loading what="the config" />}
      {c === null && (
        <Empty>
          No config <strong>{cref.dataId}</strong> in group <strong>{cref.group}</strong> in this namespace. It may have been deleted: its <Link href={configPath(cref.namespace, cref.group, cref.dataId, 'config-history')}>history</Link>{' '}
          stays.
        </Empty>
      )}
      {c && (
        <>
          <ConfigFacts c={c} now={now} />
          <CodeView type={c.type} content={c.content} label={`Content of ${c.dataId}`} />
        </>
      )}
      {deleting && <DeleteConfigDialog namespace={cref.namespace} config={cref} onClose={close} onDeleted={() => navigate(configsPath(cref.namespace))} />}
    </section>
  );
}

function ConfigFacts({ c, now }: { c: ConfigInfo; now: number }) {
  return (
    <dl className="facts" data-testid="config-facts">
      <div>
        <dt>Type</dt>
        <dd>
          <code>{c.type || 'text'}</code>
        </dd>
      </div>
      <div>
        <dt>MD5</dt>
        <dd>
          <code data-testid="config-md5">{c.md5}</code>
        </dd>
      </div>
      <div>
        <dt>Last modified</dt>
        <dd>{formatDateTime(c.modifyTime, now)}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          {formatDateTime(c.createTime, now)}
          {c.createUser ? ` by ${c.createUser}` : ''} from {c.createIp}
        </dd>
      </div>
      <div>
        <dt>App</dt>
        <dd>{c.appName || '—'}</dd>
      </div>
      <div>
        <dt>Tags</dt>
        <dd>{c.configTags || '—'}</dd>
      </div>
      <div>
        <dt>Description</dt>
        <dd>{c.desc || '—'}</dd>
      </div>
    </dl>
  );
}
