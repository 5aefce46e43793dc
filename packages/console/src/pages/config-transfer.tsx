import { useCallback, useState } from 'react';
import { configApi, type ImportPolicy, type ImportResult } from '../api/config-api.js';
import { Dialog, FormDialog } from '../components/dialog.js';

const POLICIES: [ImportPolicy, string][] = [
  ['ABORT', 'Stop at the first config that already exists'],
  ['SKIP', 'Skip configs that already exist'],
  ['OVERWRITE', 'Overwrite configs that already exist'],
];

/** Import a Nacos zip into the namespace, or export the namespace's configs as one. */
export function ConfigTransfer({ namespace, onImported }: { namespace: string; onImported: () => void }) {
  const [dialog, setDialog] = useState<'import' | { result: ImportResult }>();
  const [exportError, setExportError] = useState<string>();
  const [exporting, setExporting] = useState(false);
  const close = useCallback(() => setDialog(undefined), []);

  const exportAll = async () => {
    setExporting(true);
    setExportError(undefined);
    try {
      const blob = await configApi.exportZip(namespace);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `cairn-configs-${namespace}.zip`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      setExportError(`Export failed: ${(e as Error).message}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <button type="button" onClick={exportAll} disabled={exporting}>
        Export
      </button>
      <button type="button" onClick={() => setDialog('import')}>
        Import
      </button>
      {exportError && (
        <p className="state error inline" role="alert">
          {exportError}
        </p>
      )}
      {dialog === 'import' && (
        <FormDialog
          title="Import configs"
          submitLabel="Import"
          onClose={close}
          onSubmit={async (form) => {
            const file = form.get('file');
            if (!(file instanceof File) || file.size === 0) throw new Error('Choose a zip file to import.');
            const result = await configApi.importZip(namespace, file, String(form.get('policy')) as ImportPolicy);
            onImported();
            // FormDialog closes itself after a success: show the result once it has.
            setTimeout(() => setDialog({ result }));
          }}>
          <label>
            Zip file (Nacos export layout)
            <input name="file" type="file" accept=".zip,application/zip" required />
          </label>
          <label>
            When a config already exists
            <select name="policy" defaultValue="ABORT">
              {POLICIES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </FormDialog>
      )}
      {dialog !== undefined && dialog !== 'import' && (
        <Dialog title="Import finished" onClose={close}>
          <p data-testid="import-result">
            Imported {dialog.result.succCount}, skipped {dialog.result.skipCount}
            {dialog.result.failData?.length ? `, failed ${dialog.result.failData.length}` : ''}.
          </p>
          {(dialog.result.failData?.length ?? 0) + (dialog.result.skipData?.length ?? 0) > 0 && (
            <ul>
              {(dialog.result.failData ?? []).map((d) => (
                <li key={`f ${d.group}/${d.dataId}`}>
                  Failed: {d.group} / {d.dataId}
                </li>
              ))}
              {(dialog.result.skipData ?? []).map((d) => (
                <li key={`s ${d.group}/${d.dataId}`}>
                  Skipped: {d.group} / {d.dataId}
                </li>
              ))}
            </ul>
          )}
          <div className="actions">
            <button type="button" className="primary" onClick={close}>
              Close
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
