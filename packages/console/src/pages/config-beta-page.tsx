import { useCallback, useMemo, useState } from 'react';
import { configApi, type ConfigInfo, type ConfigRef, type GrayVersion } from '../api/config-api.js';
import { CodeEditor } from '../components/code-editor.js';
import { ConfigHeader } from '../components/config-tabs.js';
import { FormDialog } from '../components/dialog.js';
import { DiffView } from '../components/diff-view.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { useNow, usePoll } from '../hooks/use-poll.js';
import { draftOf, publishBlocker } from '../logic/config-draft.js';
import { checkSyntax } from '../logic/config-syntax.js';
import { formatDateTime } from '../logic/format.js';
import { parseIpList } from '../logic/ip-list.js';
import { lineDiff } from '../logic/line-diff.js';
import type { Route } from '../logic/routes.js';

type Action = { kind: 'promote' | 'stop'; gray: GrayVersion };

/**
 * A config's gray versions: the beta (served to a list of client IPs) with publish, stop and promote, and any tag
 * versions. The main version stays what every other client gets.
 */
export function ConfigBetaPage({ route }: { route: Extract<Route, { page: 'config-beta' }> }) {
  const { namespace, group, dataId } = route;
  const cref: ConfigRef = { namespace, group, dataId };
  const key = `${namespace} ${group} ${dataId}`;
  const fetchGrays = useCallback((signal: AbortSignal) => configApi.grays({ namespace, group, dataId }, signal), [namespace, group, dataId]);
  const fetchMain = useCallback((signal: AbortSignal) => configApi.get({ namespace, group, dataId }, signal), [namespace, group, dataId]);
  const grays = usePoll(`grays ${key}`, fetchGrays, 3000);
  const main = usePoll(`main ${key}`, fetchMain, 3000);
  const [action, setAction] = useState<Action>();
  const [editing, setEditing] = useState(false);
  const close = useCallback(() => setAction(undefined), []);
  const now = useNow(5000);
  const reload = () => {
    grays.reload();
    main.reload();
  };
  const beta = grays.data?.grays.find((g) => g.kind === 'beta');
  const tags = grays.data?.grays.filter((g) => g.kind === 'tag') ?? [];

  return (
    <section>
      <ConfigHeader cref={cref} current="config-beta" />
      {grays.error && <ErrorBox error={grays.error} stale={!!grays.data} />}
      {(grays.loading || main.loading) && <Loading what="the gray versions" />}
      {main.data === null && <Empty>This config does not exist: publish a main version before a beta.</Empty>}
      {grays.data && main.data && (
        <>
          {beta ? (
            <GrayCard gray={beta} main={main.data} now={now} onPromote={() => setAction({ kind: 'promote', gray: beta })} onStop={() => setAction({ kind: 'stop', gray: beta })} />
          ) : (
            <Empty>No beta: every client gets the main version.</Empty>
          )}
          {!editing && (
            <div className="actions left">
              <button type="button" className={beta ? undefined : 'primary'} onClick={() => setEditing(true)}>
                {beta ? 'Change the beta' : 'Publish a beta'}
              </button>
            </div>
          )}
          {editing && (
            <BetaForm
              cref={cref}
              main={main.data}
              beta={beta}
              onDone={() => {
                setEditing(false);
                reload();
              }}
              onCancel={() => setEditing(false)}
            />
          )}
          {tags.length > 0 && <h2>Tag versions</h2>}
          {tags.map((t) => (
            <GrayCard key={t.grayName} gray={t} main={main.data as ConfigInfo} now={now} onPromote={() => setAction({ kind: 'promote', gray: t })} />
          ))}
        </>
      )}
      {action && (
        <FormDialog
          title={action.kind === 'stop' ? 'Stop the beta?' : `Promote ${action.gray.kind === 'beta' ? 'the beta' : `tag ${action.gray.tag}`} to the main version?`}
          submitLabel={action.kind === 'stop' ? 'Stop beta' : 'Promote'}
          danger={action.kind === 'stop'}
          onClose={close}
          onSubmit={async () => {
            if (action.kind === 'stop') await configApi.stopBeta(cref);
            else await configApi.promote(cref, action.gray.grayName);
            reload();
          }}>
          <p>{action.kind === 'stop' ? 'The beta clients go back to the main version at their next poll.' : 'Its content becomes the main version for every client, and the gray version is removed.'}</p>
        </FormDialog>
      )}
    </section>
  );
}

function GrayCard({ gray, main, now, onPromote, onStop }: { gray: GrayVersion; main: ConfigInfo; now: number; onPromote: () => void; onStop?: () => void }) {
  return (
    <section className="gray" aria-label={gray.kind === 'beta' ? 'Beta version' : `Tag ${gray.tag}`} data-gray={gray.grayName}>
      <div className="page-head">
        <h2>{gray.kind === 'beta' ? 'Beta' : `Tag ${gray.tag}`}</h2>
        <div className="actions">
          <button type="button" className="primary" onClick={onPromote}>
            Promote to main
          </button>
          {onStop && (
            <button type="button" className="danger" onClick={onStop}>
              Stop beta
            </button>
          )}
        </div>
      </div>
      <dl className="facts">
        {gray.kind === 'beta' && (
          <div>
            <dt>Served to</dt>
            <dd data-testid="beta-ips">{gray.betaIps?.join(', ')}</dd>
          </div>
        )}
        <div>
          <dt>MD5</dt>
          <dd>
            <code>{gray.md5}</code>
          </dd>
        </div>
        <div>
          <dt>Published</dt>
          <dd>
            {formatDateTime(gray.modifiedAt, now)} from {gray.author.sourceIp}
            {gray.author.claimedUser ? ` by ${gray.author.claimedUser}` : ''}
          </dd>
        </div>
      </dl>
      <DiffView diff={lineDiff(main.content, gray.content)} before="the main version" after={gray.kind === 'beta' ? 'the beta' : `tag ${gray.tag}`} />
    </section>
  );
}

function BetaForm({ cref, main, beta, onDone, onCancel }: { cref: ConfigRef; main: ConfigInfo; beta?: GrayVersion; onDone: () => void; onCancel: () => void }) {
  const [ipText, setIpText] = useState(beta?.betaIps?.join(', ') ?? '');
  const [content, setContent] = useState(beta?.content ?? main.content);
  const [error, setError] = useState<string>();
  const [reviewing, setReviewing] = useState(false);
  const [busy, setBusy] = useState(false);
  const type = main.type || 'text';
  const check = useMemo(() => checkSyntax(type, content), [type, content]);
  const draft = { ...draftOf(main), content };

  const review = () => {
    const { ips, invalid } = parseIpList(ipText);
    const problem = invalid.length > 0 ? `Not an IP address: ${invalid.join(', ')}` : ips.length === 0 ? 'Name at least one client IP for the beta.' : publishBlocker(draft, check);
    setError(problem);
    setReviewing(!problem);
  };
  const publish = async () => {
    setBusy(true);
    try {
      await configApi.publishBeta(cref, draft, parseIpList(ipText).ips);
      onDone();
    } catch (e) {
      setError(`The server refused the beta: ${(e as Error).message}`);
      setBusy(false);
    }
  };

  return (
    <section className="review" aria-label="Beta publish">
      <h2>{beta ? 'Change the beta' : 'Publish a beta'}</h2>
      {!reviewing && (
        <div className="config-form">
          <label className="block">
            Client IPs that get the beta (commas or new lines between them)
            <textarea rows={2} value={ipText} onChange={(e) => setIpText(e.target.value)} />
          </label>
          <CodeEditor label="Beta content" type={type} value={content} onChange={setContent} check={check} />
        </div>
      )}
      {reviewing && <DiffView diff={lineDiff(main.content, content)} before="the main version" after="the beta" />}
      {error && (
        <p className="state error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={reviewing ? () => setReviewing(false) : onCancel}>
          {reviewing ? 'Back to editing' : 'Cancel'}
        </button>
        <button type="button" className="primary" disabled={busy} onClick={reviewing ? publish : review}>
          {reviewing ? 'Publish beta' : 'Review beta'}
        </button>
      </div>
    </section>
  );
}
