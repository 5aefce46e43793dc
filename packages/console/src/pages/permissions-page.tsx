import { useCallback, useState } from 'react';
import { authApi, type PermissionAction, type PermissionRow } from '../api/auth-api.js';
import { FormDialog } from '../components/dialog.js';
import { type AdminRoute, AuthListFrame, RemoveButton, RemoveDialog, requiredField, useAuthList } from './auth-list.js';

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
      addLabel="Add permission"
      onAdd={() => setDialog({ kind: 'add' })}
      columns={[
        { label: 'Role', cell: (p) => p.role },
        { label: 'Resource', cell: (p) => <code>{p.resource}</code> },
        { label: 'Action', cell: (p) => ACTION_LABEL[p.action] ?? p.action, col: 'action' },
      ]}
      rowData={(p) => ({ 'data-role': p.role, 'data-resource': p.resource, 'data-action': p.action })}
      rowActions={(p) => <RemoveButton label="Remove" name={`Remove ${p.action} on ${p.resource} from ${p.role}`} onClick={() => setDialog({ kind: 'remove', row: p })} />}>
      {dialog?.kind === 'add' && (
        <FormDialog
          title="Add a permission"
          submitLabel="Add"
          onClose={close}
          onSubmit={async (f) => {
            await authApi.addPermission(requiredField(f, 'role', 'a role'), requiredField(f, 'resource', 'a resource pattern'), String(f.get('action') ?? 'r') as PermissionAction);
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
        <RemoveDialog title="Remove this permission?" label="Remove" onClose={close} remove={() => authApi.removePermission(dialog.row)} list={list}>
          <strong>{dialog.row.role}</strong> may no longer {ACTION_LABEL[dialog.row.action] ?? dialog.row.action} <code>{dialog.row.resource}</code>.
        </RemoveDialog>
      )}
    </AuthListFrame>
  );
}
