import { useCallback, useState } from 'react';
import { authApi, type UserRow } from '../api/auth-api.js';
import { FormDialog } from '../components/dialog.js';
import { type AdminRoute, AuthListFrame, RemoveButton, RemoveDialog, requiredField, useAuthList } from './auth-list.js';

type DialogState = { kind: 'create' } | { kind: 'password' | 'delete'; user: string };

/** Typed twice, so that a typo does not lock the account out. */
function newPassword(f: FormData): string {
  const password = String(f.get('password') ?? '');
  if (password === '') throw new Error('Enter a password.');
  if (password !== String(f.get('confirm') ?? '')) throw new Error('The two passwords differ.');
  return password;
}

function PasswordFields({ label }: { label: string }) {
  return (
    <>
      <label>
        {label}
        <input name="password" type="password" autoComplete="new-password" required />
      </label>
      <label>
        Repeat the password
        <input name="confirm" type="password" autoComplete="new-password" required />
      </label>
    </>
  );
}

/** Users (`/v1/auth/users`): search by name, create, change a password, delete. */
export function UsersPage({ route }: { route: AdminRoute }) {
  const list = useAuthList(route, authApi.users, 'username');
  const [dialog, setDialog] = useState<DialogState>();
  const close = useCallback(() => setDialog(undefined), []);
  return (
    <AuthListFrame<UserRow>
      route={route}
      title="Users"
      intro="Who may log in. What a user may do comes from its roles (Roles) and their permissions (Permissions); ROLE_ADMIN may do everything."
      filterLabel="User name contains"
      noun="users"
      list={list}
      addLabel="Create user"
      onAdd={() => setDialog({ kind: 'create' })}
      columns={[{ label: 'User', cell: (u) => u.username }]}
      rowData={(u) => ({ 'data-user': u.username })}
      rowActions={(u) => (
        <>
          <button type="button" onClick={() => setDialog({ kind: 'password', user: u.username })} aria-label={`Change the password of ${u.username}`}>
            Change password
          </button>
          <RemoveButton label="Delete" name={`Delete user ${u.username}`} onClick={() => setDialog({ kind: 'delete', user: u.username })} />
        </>
      )}>
      {dialog?.kind === 'create' && (
        <FormDialog
          title="Create user"
          submitLabel="Create"
          onClose={close}
          onSubmit={async (f) => {
            await authApi.createUser(requiredField(f, 'username', 'a user name'), newPassword(f));
            list.reload();
          }}>
          <label>
            User name
            <input name="username" required autoFocus autoComplete="off" />
          </label>
          <PasswordFields label="Password" />
        </FormDialog>
      )}
      {dialog?.kind === 'password' && (
        <FormDialog
          title={`Change the password of ${dialog.user}`}
          submitLabel="Change password"
          onClose={close}
          onSubmit={async (f) => {
            await authApi.changePassword(dialog.user, newPassword(f));
            list.reload();
          }}>
          <p>The user's tokens stop working: it logs in again with the new password.</p>
          <PasswordFields label="New password" />
        </FormDialog>
      )}
      {dialog?.kind === 'delete' && (
        <RemoveDialog title={`Delete user ${dialog.user}?`} label="Delete" onClose={close} remove={() => authApi.deleteUser(dialog.user)} list={list}>
          <strong>{dialog.user}</strong> can no longer log in, its tokens stop working, and its roles go with it.
        </RemoveDialog>
      )}
    </AuthListFrame>
  );
}
