import { useCallback, useEffect, useRef, useState } from 'react';
import { namingApi, type Diagnosis, type InstanceRow, type ServiceRef } from '../api/naming-api.js';
import { Link } from '../components/link.js';
import { Empty } from '../components/states.js';
import { POLL_MS, useNow } from '../hooks/use-poll.js';
import { formatAge, formatDuration, formatWeight, metadataInline } from '../logic/format.js';
import { rowState, STATE_LABEL } from '../logic/instance-state.js';
import { listDelta } from '../logic/list-delta.js';
import { instancePath } from '../logic/routes.js';
import { DeleteInstanceDialog, EditInstanceDialog } from './instance-dialogs.js';

interface Props {
  service: ServiceRef;
  instances: InstanceRow[];
  probes: Map<string, Diagnosis['probe']>;
  onChanged: () => void;
}

const FLASH_MS = 2000;
const keyOf = (i: InstanceRow) => `${i.ip}:${i.port}`;
// What counts as a change worth a highlight: not the last-beat time, which moves with every beat.
const fingerprint = (i: InstanceRow) => `${i.healthy}|${i.enabled}|${i.weight}|${JSON.stringify(i.metadata)}`;

/** The instances of one cluster: state at a glance, and the operator's actions on each. */
export function InstanceTable({ service, instances, probes, onChanged }: Props) {
  const now = useNow();
  const flash = useFlash(instances);
  const [dialog, setDialog] = useState<{ kind: 'edit' | 'delete'; instance: InstanceRow }>();
  const [error, setError] = useState<string>();
  const close = useCallback(() => setDialog(undefined), []);

  const toggle = async (i: InstanceRow) => {
    setError(undefined);
    try {
      await namingApi.patchInstance(service, { ip: i.ip, port: i.port, cluster: i.clusterName }, { enabled: !i.enabled });
      onChanged();
    } catch (e) {
      setError(`${keyOf(i)}: ${(e as Error).message}`);
    }
  };

  if (instances.length === 0) return <Empty>No instances in this cluster.</Empty>;
  return (
    <>
      {error && (
        <p className="state error" role="alert">
          {error}
        </p>
      )}
      <div className="table-wrap">
        <table className="instances">
          <thead>
            <tr>
              <th>Address</th>
              <th>State</th>
              <th>Kind</th>
              <th className="num">Weight</th>
              <th>Metadata</th>
              <th>Last beat / probe</th>
              <th>
                <span className="sr">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {instances.map((i) => {
              const state = rowState(i, now, POLL_MS);
              const key = keyOf(i);
              return (
                <tr key={key} className={`inst-${state}${flash.has(key) ? ' flash' : ''}`} data-instance={key} data-state={state}>
                  <td>
                    <Link href={instancePath(service.namespace, service.group, service.name, i.ip, i.port, i.clusterName)} title="Timeline and diagnosis">
                      {key}
                    </Link>
                  </td>
                  <td>
                    <span className={`badge ${state}`}>{STATE_LABEL[state]}</span>
                    {!i.enabled && !i.healthy && <span className="badge unhealthy">unhealthy</span>}
                  </td>
                  <td data-label="Kind">{i.ephemeral ? 'ephemeral' : 'persistent'}</td>
                  <td className="num" data-label="Weight">
                    {formatWeight(i.weight)}
                  </td>
                  <td className="meta" data-label="Metadata">
                    {metadataInline(i.metadata) || '—'}
                  </td>
                  <td data-label={i.ephemeral ? 'Last beat' : 'Last probe'}>{i.ephemeral ? (i.lastBeatAt === undefined ? '—' : formatAge(i.lastBeatAt, now)) : probeText(probes.get(key), now)}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => toggle(i)}>
                      {i.enabled ? 'Take offline' : 'Bring online'}
                    </button>
                    <button type="button" onClick={() => setDialog({ kind: 'edit', instance: i })}>
                      Edit
                    </button>
                    <button type="button" className="danger" onClick={() => setDialog({ kind: 'delete', instance: i })}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {dialog?.kind === 'edit' && <EditInstanceDialog service={service} instance={dialog.instance} onClose={close} onSaved={onChanged} />}
      {dialog?.kind === 'delete' && <DeleteInstanceDialog service={service} instance={dialog.instance} now={now} onClose={close} onSaved={onChanged} />}
    </>
  );
}

function probeText(probe: Diagnosis['probe'] | undefined, now: number): string {
  if (!probe) return '—';
  if (probe.type === 'NONE') return 'not probed (checker NONE)';
  const last = probe.last;
  if (!last) return `${probe.type}: not probed yet`;
  return `${last.probe} ${last.ok ? 'passed' : `failed: ${last.error ?? 'error'}`} in ${formatDuration(last.durationMs)}, ${formatAge(last.at, now)}`;
}

/** Keys of rows that changed in the last poll, kept for a moment so the eye catches them. */
function useFlash(instances: InstanceRow[]): Set<string> {
  const prev = useRef<InstanceRow[] | undefined>(undefined);
  const [flash, setFlash] = useState<Set<string>>(() => new Set());
  // The timer lives in a ref, not in the effect's cleanup: every poll brings a new list and re-runs the effect,
  // and a cleanup would cancel the timer of the last change, leaving its rows highlighted for good.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    const before = prev.current;
    prev.current = instances;
    if (!before) return;
    const delta = listDelta(before, instances, keyOf, fingerprint);
    const keys = [...delta.added, ...delta.changed];
    if (keys.length === 0) return;
    setFlash(new Set(keys));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setFlash(new Set()), FLASH_MS);
  }, [instances]);
  return flash;
}
