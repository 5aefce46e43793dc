import type { ReactNode } from 'react';

/** Loading, empty and error states: every list shows one of them instead of a blank area. */

export function Loading({ what }: { what: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** The server's own message, as it sent it: it names the field or the reason. */
export function ErrorBox({ error, stale }: { error: Error; stale?: boolean }) {
  return (
    <div className="state error" role="alert">
      <strong>{stale ? 'Showing the last data; refreshing failed: ' : 'Error: '}</strong>
      {error.message}
    </div>
  );
}
