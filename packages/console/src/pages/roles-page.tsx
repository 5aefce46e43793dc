import { useCallback, useState } from 'react';
import { authApi, type RoleRow } from '../api/auth-api.js';
import { FormDialog } from '../components/dialog.js';
import { type AdminRoute, AuthListFrame, useAuthList } from './auth-list.js';

/** Roles (`/v1/auth/roles`): which user holds which role; assign and remove. */
export function RolesPage({ route }: { route: AdminRoute }) {
  const list = useAuthList(route, authApi.roles, 'role');
  const [dialog, setDialog] = useState<{ kind: 'assign' } | { kind: 'remove'; row: RoleRow }>();
  const close = useCallback(() => setDialog(undefined), []);
  return (
    <AuthListFrame<RoleRow>
      route={route}
      title="Roles"
      intro="A role is a name given to users; permissions are granted to roles. ROLE_ADMIN is the administrators' role."
      filterLabel="Role contains"
      noun="role assignments"
      list={list}
      action={
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'assign' })}>
          Assign role
        </button>
      }
      table={(items) => (
        <table className="roles">
          <thead>
            <tr>
              <th>Role</th>
              <th>User</th>
              <th>
                <span className="sr">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={`${r.role} ${r.username}`} data-role={r.role} data-user={r.username}>
                <td>{r.role}</td>
                <td>{r.username}</td>
                <td className="row-actions">
                  <button type="button" className="danger" onClick={() => setDialog({ kind: 'remove', row: r })} aria-label={`Remove role ${r.role} from ${r.username}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}>
      {dialog?.kind === 'assign' && (
        <FormDialog
          title="Assign a role"
          submitLabel="Assign"
          onClose={close}
          onSubmit={async (f) => {
            const role = String(f.get('role') ?? '').trim();
            const username = String(f.get('username') ?? '').trim();
            if (role === '') throw new Error('Enter a role.');
            if (username === '') throw new Error('Enter a user name.');
            await authApi.assignRole(role, username);
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
        <FormDialog
          title={`Remove role ${dialog.row.role} from ${dialog.row.username}?`}
          submitLabel="Remove"
          danger
          onClose={close}
          onSubmit={async () => {
            await authApi.removeRole(dialog.row.role, dialog.row.username);
            list.reload();
          }}>
          <p>
            <strong>{dialog.row.username}</strong> loses the permissions granted to <strong>{dialog.row.role}</strong>.
          </p>
        </FormDialog>
      )}
    </AuthListFrame>
  );
}
