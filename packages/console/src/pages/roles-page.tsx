import { useCallback, useState } from 'react';
import { authApi, type RoleRow } from '../api/auth-api.js';
import { FormDialog } from '../components/dialog.js';
import { type AdminRoute, AuthListFrame, RemoveButton, RemoveDialog, requiredField, useAuthList } from './auth-list.js';

/** Roles (`/v1/auth/roles`): which user holds which role; assign and remove. */
export function RolesPage({ route }: { route: AdminRoute }) {
  const list = useAuthList(route, authApi.roles, 'role');
  const [dialog, setDialog] = useState<{ kind: 'assign' } | { kind: 'remove'; row: RoleRow }>();
  const close = useCallback(() => setDialog(undefined), []);
  return (
    <AuthListFrame<RoleRow>
      route={route}
      title="Roles"
      intro="A role is a name given to users; permissions are granted to roles. ROLE_ADMIN is the administrators' role: the first admin holds it, and it is not given or taken here."
      filterLabel="Role contains"
      noun="role assignments"
      list={list}
      addLabel="Assign role"
      onAdd={() => setDialog({ kind: 'assign' })}
      columns={[
        { label: 'Role', cell: (r) => r.role },
        { label: 'User', cell: (r) => r.username },
      ]}
      rowData={(r) => ({ 'data-role': r.role, 'data-user': r.username })}
      rowActions={(r) => <RemoveButton label="Remove" name={`Remove role ${r.role} from ${r.username}`} onClick={() => setDialog({ kind: 'remove', row: r })} />}>
      {dialog?.kind === 'assign' && (
        <FormDialog
          title="Assign a role"
          submitLabel="Assign"
          onClose={close}
          onSubmit={async (f) => {
            await authApi.assignRole(requiredField(f, 'role', 'a role'), requiredField(f, 'username', 'a user name'));
            list.reload();
          }}>
          <label>
            Role (a new name creates the role)
            <input name="role" required autoFocus autoComplete="off" />
          </label>
          <label>
            User name
            <input name="username" required autoComplete="off" />
          </label>
        </FormDialog>
      )}
      {dialog?.kind === 'remove' && (
        <RemoveDialog title={`Remove role ${dialog.row.role} from ${dialog.row.username}?`} label="Remove" onClose={close} remove={() => authApi.removeRole(dialog.row.role, dialog.row.username)} list={list}>
          <strong>{dialog.row.username}</strong> loses the permissions granted to <strong>{dialog.row.role}</strong>.
        </RemoveDialog>
      )}
    </AuthListFrame>
  );
}
