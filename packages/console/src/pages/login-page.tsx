import { type FormEvent, useState } from 'react';
import { authApi } from '../api/auth-api.js';
import { sessionStore } from '../api/session.js';
import { navigate } from '../hooks/use-route.js';
import { BASE } from '../logic/routes.js';
import { afterLogin, sessionOf } from '../logic/session.js';

/** The login (`POST /v1/auth/login`); afterwards the page the user came from, so an expired session keeps its place. */
export function LoginPage({ next, notice }: { next: string; notice: string | undefined }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const username = String(form.get('username') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (username === '') {
      setError('Enter a username.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const answer = await authApi.login(username, password);
      sessionStore.signedIn(sessionOf(answer, username, Date.now()));
      navigate(afterLogin(next, BASE), true);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <section className="login">
      <h1>Log in to Cairn</h1>
      {notice && (
        <p className="state notice" role="status">
          {notice}
        </p>
      )}
      <form className="form" onSubmit={submit}>
        <label>
          Username
          <input name="username" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" />
        </label>
        {error && (
          <p className="state error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Log in
          </button>
        </div>
      </form>
    </section>
  );
}
