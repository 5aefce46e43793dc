import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A modal on the native <dialog>: focus moves into it, Escape closes it, the page behind is inert, with no
 * library.
 */
export function Dialog({ title, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    const closed = () => onClose();
    dialog.addEventListener('close', closed);
    return () => dialog.removeEventListener('close', closed);
  }, [onClose]);
  return (
    <dialog ref={ref} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}

interface FormDialogProps {
  title: string;
  submitLabel: string;
  onClose: () => void;
  /** Throws to keep the dialog open with the error shown (a server refusal, a malformed field). */
  onSubmit: (form: FormData) => Promise<void>;
  children: ReactNode;
  danger?: boolean;
  extraActions?: ReactNode;
}

/** A dialog holding a form: submit runs the action, shows its error in place, and closes on success. */
export function FormDialog({ title, submitLabel, onClose, onSubmit, children, danger, extraActions }: FormDialogProps) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(new FormData(e.currentTarget));
      onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose}>
      <form onSubmit={submit} className="form">
        {children}
        {error && (
          <p className="state error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          {extraActions}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
