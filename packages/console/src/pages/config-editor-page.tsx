import { useCallback, useMemo, useState } from 'react';
import { configApi, type ConfigDraft, type ConfigInfo, type ConfigRef } from '../api/config-api.js';
import { CodeEditor } from '../components/code-editor.js';
import { Link } from '../components/link.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { useLoad } from '../hooks/use-load.js';
import { navigate } from '../hooks/use-route.js';
import { draftOf, nameProblem, publishBlocker } from '../logic/config-draft.js';
import { CONFIG_TYPES, checkSyntax } from '../logic/config-syntax.js';
import { configPath, configsPath, type Route } from '../logic/routes.js';
import { PublishConflict, PublishReview } from './config-publish-review.js';

type EditorRoute = Extract<Route, { page: 'config-new' | 'config-edit' }>;

/** Create a config, or edit one: the version loaded once, so a publish can name it (casMd5). */
export function ConfigEditorPage({ route }: { route: EditorRoute }) {
  if (route.page === 'config-new') return <ConfigEditor namespace={route.namespace} loaded={null} />;
  return <ExistingConfigEditor route={route} />;
}

function ExistingConfigEditor({ route }: { route: Extract<Route, { page: 'config-edit' }> }) {
  const { namespace, group, dataId } = route;
  const fetcher = useCallback((signal: AbortSignal) => configApi.get({ namespace, group, dataId }, signal), [namespace, group, dataId]);
  const loaded = useLoad(`edit ${namespace} ${group} ${dataId}`, fetcher);
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (loaded.loading) return <Loading what="the config" />;
  if (!loaded.data) {
    return (
      <Empty>
        No config <strong>{dataId}</strong> in group <strong>{group}</strong> to edit. <Link href={configsPath(namespace)}>Back to the configs</Link>.
      </Empty>
    );
  }
  return <ConfigEditor namespace={namespace} loaded={loaded.data} />;
}

type Step = { kind: 'edit' } | { kind: 'review' } | { kind: 'conflict'; theirs: ConfigInfo | null };

function ConfigEditor({ namespace, loaded }: { namespace: string; loaded: ConfigInfo | null }) {
  // The version this editor's changes apply to: its md5 goes with the publish as casMd5.
  const [base, setBase] = useState(loaded);
  const [creating, setCreating] = useState(loaded === null);
  const [dataId, setDataId] = useState(loaded?.dataId ?? '');
  const [group, setGroup] = useState(loaded?.group ?? 'DEFAULT_GROUP');
  const [draft, setDraft] = useState<ConfigDraft>(() => draftOf(loaded));
  const [step, setStep] = useState<Step>({ kind: 'edit' });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const check = useMemo(() => checkSyntax(draft.type, draft.content), [draft.type, draft.content]);
  const cref: ConfigRef = { namespace, group: group.trim(), dataId: dataId.trim() };
  const set = (field: keyof ConfigDraft) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));

  const review = () => {
    const problem = (creating && (nameProblem('Data ID', dataId) ?? nameProblem('Group', group))) || publishBlocker(draft, check);
    setError(problem);
    if (!problem) setStep({ kind: 'review' });
  };

  const publish = async (over: ConfigInfo | null) => {
    setBusy(true);
    setError(undefined);
    try {
      if (over === null) {
        // A create names no version to replace; look first, so an existing config is shown, not overwritten.
        const existing = await configApi.get(cref);
        if (existing) {
          setStep({ kind: 'conflict', theirs: existing });
          return;
        }
      }
      await configApi.publish(cref, draft, over?.md5);
      navigate(configPath(namespace, cref.group, cref.dataId));
    } catch (e) {
      const theirs = await configApi.get(cref).catch(() => undefined);
      if (theirs !== undefined && (theirs?.md5 ?? null) !== (over?.md5 ?? null)) setStep({ kind: 'conflict', theirs });
      else setError(`The server refused the publish: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const title = creating ? 'Create config' : `Edit ${base?.dataId ?? dataId}`;
  return (
    <section>
      <p className="crumbs">
        <Link href={configsPath(namespace)}>Configs</Link>
        {!creating && (
          <>
            {' '}
            / {group} / <Link href={configPath(namespace, group, dataId)}>{dataId}</Link>
          </>
        )}
      </p>
      <h1>{title}</h1>
      {step.kind === 'edit' && (
        <form
          className="config-form"
          onSubmit={(e) => {
            e.preventDefault();
            review();
          }}>
          <div className="fields">
            <label>
              Data ID
              <input value={dataId} onChange={(e) => setDataId(e.target.value)} readOnly={!creating} required autoFocus={creating} />
            </label>
            <label>
              Group
              <input value={group} onChange={(e) => setGroup(e.target.value)} readOnly={!creating} required />
            </label>
            <label>
              Type
              <select value={draft.type} onChange={(e) => set('type')(e.target.value)}>
                {[...new Set([...CONFIG_TYPES, draft.type])].map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            <label>
              App
              <input value={draft.appName} onChange={(e) => set('appName')(e.target.value)} />
            </label>
            <label>
              Tags (comma-separated)
              <input value={draft.tags} onChange={(e) => set('tags')(e.target.value)} />
            </label>
            <label className="wide">
              Description
              <input value={draft.desc} onChange={(e) => set('desc')(e.target.value)} maxLength={128} />
            </label>
          </div>
          <CodeEditor label="Content" type={draft.type} value={draft.content} onChange={set('content')} check={check} />
          {error && (
            <p className="state error" role="alert">
              {error}
            </p>
          )}
          <div className="actions">
            <Link className="button" href={creating ? configsPath(namespace) : configPath(namespace, group, dataId)}>
              Cancel
            </Link>
            <button type="submit" className="primary">
              Review and publish
            </button>
          </div>
        </form>
      )}
      {step.kind === 'review' && (
        <>
          {error && (
            <p className="state error" role="alert">
              {error}
            </p>
          )}
          <PublishReview base={base} draft={draft} busy={busy} onBack={() => setStep({ kind: 'edit' })} onPublish={() => publish(base)} />
        </>
      )}
      {step.kind === 'conflict' && (
        <PublishConflict
          theirs={step.theirs}
          creating={creating}
          draft={draft}
          busy={busy}
          onOverwrite={() => {
            setBase(step.theirs);
            setCreating(false);
            void publish(step.theirs);
          }}
          onTakeTheirs={() => {
            setBase(step.theirs);
            setCreating(false);
            setDraft(draftOf(step.theirs));
            setStep({ kind: 'edit' });
          }}
        />
      )}
    </section>
  );
}
