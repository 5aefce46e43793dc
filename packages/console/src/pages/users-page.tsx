import { useCallback, useState } from 'react';
import { authApi, type UserRow } from '../api/auth-api.js';
import { FormDialog } from '../components/dialog.js';
import { type AdminRoute, AuthListFrame, useAuthList } from './auth-list.js';

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
      action={
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
          Create user
        </button>
      }
      table={(items) => (
        <table className="users">
          <thead>
            <tr>
              <th>User</th>
              <th>
                <span className="sr">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.username} data-user={u.username}>
                <td>{u.username}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => setDialog({ kind: 'password', user: u.username })} aria-label={`Change the password of ${u.username}`}>
                    Change password
                  </button>
                  <button type="button" className="danger" onClick={() => setDialog({ kind: 'delete', user: u.username })} aria-label={`Delete user ${u.username}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}>
      {dialog?.kind === 'create' && (
        <FormDialog
          title="Create user"
          submitLabel="Create"
          onClose={close}
          onSubmit={async (f) => {
            const username = String(f.get('username') ?? '').trim();
            if (username === '') throw new Error('Enter a user name.');
            await authApi.createUser(username, newPassword(f));
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
        <FormDialog
          title={`Delete user ${dialog.user}?`}
          submitLabel="Delete"
          danger
          onClose={close}
          onSubmit={async () => {
            await authApi.deleteUser(dialog.user);
            list.reload();
          }}>
          <p>
            <strong>{dialog.user}</strong> can no longer log in, and its tokens stop working. Its roles stay until removed on the Roles page.
          </p>
        </FormDialog>
      )}
    </AuthListFrame>
  );
}
