import type { ConfigDraft, ConfigInfo } from '../api/config-api.js';
import { DiffView } from '../components/diff-view.js';
import { formatDateTime } from '../logic/format.js';
import { fieldChanges, draftOf } from '../logic/config-draft.js';
import { lineDiff } from '../logic/line-diff.js';

interface ReviewProps {
  base: ConfigInfo | null;
  draft: ConfigDraft;
  busy: boolean;
  onPublish: () => void;
  onBack: () => void;
}

/** The last step before a publish: what changes against the version the editor loaded. */
export function PublishReview({ base, draft, busy, onPublish, onBack }: ReviewProps) {
  const changes = fieldChanges(draftOf(base), draft);
  return (
    <section className="review" aria-label="Review changes">
      <h2>Review before publishing</h2>
      <DiffView diff={lineDiff(base?.content ?? '', draft.content)} before={base ? 'the current version' : 'nothing (a new config)'} after="your version" />
      {changes.length > 0 && (
        <ul className="field-changes">
          {changes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={onBack}>
          Back to editing
        </button>
        <button type="button" className="primary" onClick={onPublish} disabled={busy}>
          Publish
        </button>
      </div>
    </section>
  );
}

interface ConflictProps {
  /** The version on the server now; null when it was deleted meanwhile. */
  theirs: ConfigInfo | null;
  /** True when creating: the config did not exist when the editor opened. */
  creating: boolean;
  draft: ConfigDraft;
  busy: boolean;
  onOverwrite: () => void;
  onTakeTheirs: () => void;
}

/**
 * Someone published between loading and publishing: the server refused the compare-and-set. Show who and
 * what, as the diff from their version to ours, and let the operator choose knowingly.
 */
export function PublishConflict({ theirs, creating, draft, busy, onOverwrite, onTakeTheirs }: ConflictProps) {
  const now = Date.now();
  return (
    <section className="review conflict" aria-label="Publish conflict">
      <div className="state error" role="alert" data-testid="conflict">
        {theirs === null ? (
          <strong>This config was deleted after you opened it. Your version was not published.</strong>
        ) : (
          <>
            <strong>{creating ? 'A config with this Data ID and group already exists.' : 'Someone else published this config after you opened it.'} Your version was not published.</strong> The server now holds md5 <code>{theirs.md5}</code>,
            modified {formatDateTime(theirs.modifyTime, now)}. Below is what publishing yours would change in it.
          </>
        )}
      </div>
      {theirs && <DiffView diff={lineDiff(theirs.content, draft.content)} before="their version (now on the server)" after="your version" />}
      <div className="actions">
        {theirs && (
          <button type="button" onClick={onTakeTheirs}>
            Discard mine and edit theirs
          </button>
        )}
        <button type="button" className="primary danger" onClick={onOverwrite} disabled={busy}>
          {theirs ? 'Publish mine over theirs' : 'Publish mine again'}
        </button>
      </div>
    </section>
  );
}
