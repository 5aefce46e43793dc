import { namingApi, type ServiceRef } from '../api/naming-api.js';
import { FormDialog } from '../components/dialog.js';
import { metadataToText, textToMetadata } from '../logic/format.js';

export interface ServiceSettings {
  protectThreshold: number;
  metadata: Record<string, string>;
  selector: { type: string; expression?: string };
}

interface Props {
  namespace: string;
  /** Absent: create a new service. */
  existing?: { group: string; name: string; settings: ServiceSettings };
  onClose: () => void;
  onSaved: () => void;
}

/** Create or edit a service: protect threshold, metadata, selector. */
export function ServiceForm({ namespace, existing, onClose, onSaved }: Props) {
  const submit = async (form: FormData) => {
    const ref: ServiceRef = existing ? { namespace, group: existing.group, name: existing.name } : { namespace, group: String(form.get('group') || 'DEFAULT_GROUP').trim(), name: String(form.get('name') ?? '').trim() };
    const threshold = Number(form.get('protectThreshold'));
    if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) throw new Error('Protect threshold must be a number from 0 to 1.');
    let metadata: Record<string, string>;
    try {
      metadata = textToMetadata(String(form.get('metadata') ?? ''));
    } catch (e) {
      throw new Error(`Metadata: ${(e as Error).message}`);
    }
    const expression = String(form.get('selectorExpression') ?? '').trim();
    const selector = JSON.stringify(form.get('selectorType') === 'label' ? { type: 'label', expression } : { type: 'none' });
    const settings = { protectThreshold: threshold, metadata, selector };
    if (existing) await namingApi.updateService(ref, settings);
    else await namingApi.createService(ref, settings);
    onSaved();
  };
  const s = existing?.settings;
  return (
    <FormDialog title={existing ? `Edit service ${existing.name}` : 'Create service'} submitLabel={existing ? 'Save' : 'Create'} onClose={onClose} onSubmit={submit}>
      {!existing && (
        <>
          <label>
            Service name
            <input name="name" required autoFocus />
          </label>
          <label>
            Group
            <input name="group" defaultValue="DEFAULT_GROUP" />
          </label>
        </>
      )}
      <label>
        Protect threshold (0 to 1; 0 turns it off)
        <input name="protectThreshold" type="number" min="0" max="1" step="0.01" defaultValue={s?.protectThreshold ?? 0} autoFocus={!!existing} />
      </label>
      <label>
        Metadata (one key=value per line)
        <textarea name="metadata" rows={4} defaultValue={metadataToText(s?.metadata ?? {})} />
      </label>
      <label>
        Selector
        <select name="selectorType" defaultValue={s?.selector.type === 'label' ? 'label' : 'none'}>
          <option value="none">none</option>
          <option value="label">label</option>
        </select>
      </label>
      <label>
        Label expression (for the label selector)
        <input name="selectorExpression" defaultValue={s?.selector.expression ?? ''} />
      </label>
    </FormDialog>
  );
}
