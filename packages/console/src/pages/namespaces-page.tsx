import { useCallback, useState } from 'react';
import { namingApi, type NamespaceInfo } from '../api/naming-api.js';
import { FormDialog } from '../components/dialog.js';
import { Link } from '../components/link.js';
import { Empty, ErrorBox, Loading } from '../components/states.js';
import { usePoll } from '../hooks/use-poll.js';
import { PUBLIC, servicesPath } from '../logic/routes.js';

type DialogState = { kind: 'create' } | { kind: 'edit' | 'delete'; ns: NamespaceInfo };

/**
 * Namespaces: list, create, edit, delete (the server refuses to delete one that still holds services). Read-only
 * for a signed-in user who is not an admin (`canEdit` false): only admins change namespaces.
 */
export function NamespacesPage({ namespace, onChanged, canEdit }: { namespace: string; onChanged: () => void; canEdit: boolean }) {
  const fetcher = useCallback((signal: AbortSignal) => namingApi.namespaces(signal), []);
  const list = usePoll('namespaces-page', fetcher, 5000);
  const [dialog, setDialog] = useState<DialogState>();
  const close = useCallback(() => setDialog(undefined), []);
  const changed = () => {
    list.reload();
    onChanged();
  };

  return (
    <section>
      <div className="page-head">
        <h1>Namespaces</h1>
        {canEdit && (
          <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
            Create namespace
          </button>
        )}
      </div>
      {!canEdit && <p className="meta">Only an administrator can create, edit or delete namespaces.</p>}
      {list.error && <ErrorBox error={list.error} stale={!!list.data} />}
      {list.loading && <Loading what="namespaces" />}
      {list.data && list.data.length === 0 && <Empty>No namespaces.</Empty>}
      {list.data && list.data.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Id</th>
                <th>Description</th>
                <th>
                  <span className="sr">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((n) => (
                <tr key={n.namespaceId} data-namespace={n.namespaceId} className={n.namespaceId === namespace ? 'current' : ''}>
                  <td>
                    <Link href={servicesPath(n.namespaceId)}>{n.namespaceShowName}</Link>
                  </td>
                  <td>
                    <code>{n.namespaceId}</code>
                  </td>
                  <td>{n.namespaceDesc || '—'}</td>
                  <td className="row-actions">
                    {canEdit && n.namespaceId !== PUBLIC && (
                      <>
                        <button type="button" onClick={() => setDialog({ kind: 'edit', ns: n })}>
                          Edit
                        </button>
                        <button type="button" className="danger" onClick={() => setDialog({ kind: 'delete', ns: n })}>
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {dialog?.kind === 'create' && (
        <FormDialog
          title="Create namespace"
          submitLabel="Create"
          onClose={close}
          onSubmit={async (f) => {
            await namingApi.createNamespace(String(f.get('id') ?? '').trim(), String(f.get('name') ?? '').trim(), String(f.get('desc') ?? ''));
            changed();
          }}>
          <label>
            Name
            <input name="name" required autoFocus />
          </label>
          <label>
            Id (letters, digits, - and _; empty: generated)
            <input name="id" />
          </label>
          <label>
            Description
            <input name="desc" />
          </label>
        </FormDialog>
      )}
      {dialog?.kind === 'edit' && (
        <FormDialog
          title={`Edit namespace ${dialog.ns.namespaceShowName}`}
          submitLabel="Save"
          onClose={close}
          onSubmit={async (f) => {
            await namingApi.updateNamespace(dialog.ns.namespaceId, String(f.get('name') ?? '').trim(), String(f.get('desc') ?? ''));
            changed();
          }}>
          <label>
            Name
            <input name="name" required defaultValue={dialog.ns.namespaceShowName} autoFocus />
          </label>
          <label>
            Description
            <input name="desc" defaultValue={dialog.ns.namespaceDesc} />
          </label>
        </FormDialog>
      )}
      {dialog?.kind === 'delete' && (
        <FormDialog
          title={`Delete namespace ${dialog.ns.namespaceShowName}?`}
          submitLabel="Delete"
          danger
          onClose={close}
          onSubmit={async () => {
            await namingApi.deleteNamespace(dialog.ns.namespaceId);
            changed();
          }}>
          <p>Only an empty namespace can be deleted: the server refuses while services remain in it.</p>
        </FormDialog>
      )}
    </section>
  );
}
