import { useCallback, useState } from 'react';
import { authApi, type PermissionAction, type PermissionRow } from '../api/auth-api.js';
import { FormDialog } from '../components/dialog.js';
import { type AdminRoute, AuthListFrame, useAuthList } from './auth-list.js';

const ACTION_LABEL: Record<string, string> = { r: 'read', w: 'write', rw: 'read and write' };

/** Permissions (`/v1/auth/permissions`): what each role may read or write; add and remove. */
export function PermissionsPage({ route }: { route: AdminRoute }) {
  const list = useAuthList(route, authApi.permissions, 'role');
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'remove'; row: PermissionRow }>();
  const close = useCallback(() => setDialog(undefined), []);
  return (
    <AuthListFrame<PermissionRow>
      route={route}
      title="Permissions"
      intro={
        <>
          A permission lets a role read (r), write (w) or both (rw) the resources its pattern covers. A resource is <code>namespace:group:naming/service</code> or <code>namespace:group:config/dataId</code> (the public namespace is empty);{' '}
          <code>*</code> matches anything.
        </>
      }
      filterLabel="Role contains"
      noun="permissions"
      list={list}
      action={
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'add' })}>
          Add permission
        </button>
      }
      table={(items) => (
        <table className="permissions">
          <thead>
            <tr>
              <th>Role</th>
              <th>Resource</th>
              <th>Action</th>
              <th>
                <span className="sr">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={`${p.role} ${p.resource} ${p.action}`} data-role={p.role} data-resource={p.resource}>
                <td>{p.role}</td>
                <td>
                  <code>{p.resource}</code>
                </td>
                <td data-col="action">{ACTION_LABEL[p.action] ?? p.action}</td>
                <td className="row-actions">
                  <button type="button" className="danger" onClick={() => setDialog({ kind: 'remove', row: p })} aria-label={`Remove ${p.action} on ${p.resource} from ${p.role}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}>
      {dialog?.kind === 'add' && (
        <FormDialog
          title="Add a permission"
          submitLabel="Add"
          onClose={close}
          onSubmit={async (f) => {
            const role = String(f.get('role') ?? '').trim();
            const resource = String(f.get('resource') ?? '').trim();
            if (role === '') throw new Error('Enter a role.');
            if (resource === '') throw new Error('Enter a resource pattern.');
            await authApi.addPermission(role, resource, String(f.get('action') ?? 'r') as PermissionAction);
            list.reload();
          }}>
          <label>
            Role
            <input name="role" required autoFocus autoComplete="off" />
          </label>
          <label>
            Resource pattern (e.g. <code>:*:*</code> for everything in public, <code>dev:DEFAULT_GROUP:naming/*</code> for the services of a group in dev)
            <input name="resource" required autoComplete="off" />
          </label>
          <label>
            Action
            <select name="action" defaultValue="r">
              <option value="r">read (r)</option>
              <option value="w">write (w)</option>
              <option value="rw">read and write (rw)</option>
            </select>
          </label>
        </FormDialog>
      )}
      {dialog?.kind === 'remove' && (
        <FormDialog
          title="Remove this permission?"
          submitLabel="Remove"
          danger
          onClose={close}
          onSubmit={async () => {
            await authApi.removePermission(dialog.row);
            list.reload();
          }}>
          <p>
            <strong>{dialog.row.role}</strong> may no longer {ACTION_LABEL[dialog.row.action] ?? dialog.row.action} <code>{dialog.row.resource}</code>.
          </p>
        </FormDialog>
      )}
    </AuthListFrame>
  );
}
