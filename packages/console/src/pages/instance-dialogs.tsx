import { useState } from 'react';
import { namingApi, type InstanceRow, type ServiceRef } from '../api/naming-api.js';
import { FormDialog } from '../components/dialog.js';
import { formatAge, metadataToText, textToMetadata } from '../logic/format.js';
import { POLL_MS } from '../hooks/use-poll.js';
import { stillBeating } from '../logic/instance-state.js';

interface Props {
  service: ServiceRef;
  instance: InstanceRow;
  onClose: () => void;
  onSaved: () => void;
}

const addressOf = (i: InstanceRow) => ({ ip: i.ip, port: i.port, cluster: i.clusterName });

/** Weight and metadata. The server keeps an operator's edit across the instance's expiry and re-registration. */
export function EditInstanceDialog({ service, instance, onClose, onSaved }: Props) {
  const submit = async (form: FormData) => {
    const weight = Number(form.get('weight'));
    if (!Number.isFinite(weight) || weight < 0 || weight > 10000) throw new Error('Weight must be a number from 0 to 10000.');
    let metadata: Record<string, string>;
    try {
      metadata = textToMetadata(String(form.get('metadata') ?? ''));
    } catch (e) {
      throw new Error(`Metadata: ${(e as Error).message}`);
    }
    await namingApi.patchInstance(service, addressOf(instance), { weight, metadata });
    onSaved();
  };
  return (
    <FormDialog title={`Edit ${instance.ip}:${instance.port}`} submitLabel="Save" onClose={onClose} onSubmit={submit}>
      <label>
        Weight
        <input name="weight" type="number" min="0" max="10000" step="0.01" defaultValue={instance.weight} required autoFocus />
      </label>
      <label>
        Metadata (one key=value per line; added or changed keys are kept over what the client registers)
        <textarea name="metadata" rows={5} defaultValue={metadataToText(instance.metadata)} />
      </label>
    </FormDialog>
  );
}

/**
 * Delete, with the warning that matters: an ephemeral instance whose client still beats is re-created by its
 * next beat, so "take offline" is the action that keeps it out of traffic.
 */
export function DeleteInstanceDialog({ service, instance, onClose, onSaved, now }: Props & { now: number }) {
  // Decided when the dialog opens, from the row as last polled: the warning must not vanish while the user reads it
  // (the dialog's instance is a snapshot, and time moves on).
  const [beating] = useState(() => stillBeating(instance, now, POLL_MS));
  const takeOffline = async () => {
    await namingApi.patchInstance(service, addressOf(instance), { enabled: false });
    onSaved();
    onClose();
  };
  return (
    <FormDialog
      title={`Delete ${instance.ip}:${instance.port}?`}
      submitLabel={beating ? 'Delete anyway' : 'Delete'}
      danger
      onClose={onClose}
      onSubmit={async () => {
        await namingApi.deleteInstance(service, addressOf(instance));
        onSaved();
      }}
      extraActions={
        beating && instance.enabled ? (
          <button type="button" className="primary" onClick={takeOffline} autoFocus>
            Take offline instead
          </button>
        ) : undefined
      }>
      {beating ? (
        <div className="warning" role="alert">
          <p>
            <strong>Its client is still sending heartbeats</strong> (last {instance.lastBeatAt === undefined ? 'recently' : formatAge(instance.lastBeatAt, now)}): the next beat re-creates the instance, so deleting it does not keep it out of
            traffic.
          </p>
          <p>
            To stop traffic to it, <strong>take it offline</strong> instead; it stays registered but consumers no longer get it.
          </p>
        </div>
      ) : (
        <p>The instance is removed from the registry{instance.ephemeral ? '' : ' and from storage'}. Its journal stays.</p>
      )}
    </FormDialog>
  );
}
