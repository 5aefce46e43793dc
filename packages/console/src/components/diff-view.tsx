import type { LineDiff } from '../logic/line-diff.js';

const SIGN = { same: ' ', add: '+', del: '-' };

/** A line diff as a unified view: removed lines red with their old number, added green with their new one. */
export function DiffView({ diff, before, after }: { diff: LineDiff; before: string; after: string }) {
  if (diff.added === 0 && diff.removed === 0) {
    return (
      <p className="state empty diff-none">
        No change in the content between {before} and {after}.
      </p>
    );
  }
  return (
    <figure className="diff" data-testid="diff">
      <figcaption>
        From {before} to {after}:{' '}
        <span className="diff-count add">
          {diff.added} line{diff.added === 1 ? '' : 's'} added
        </span>
        ,{' '}
        <span className="diff-count del">
          {diff.removed} line{diff.removed === 1 ? '' : 's'} removed
        </span>
      </figcaption>
      <div className="code-view">
        <table>
          <tbody>
            {diff.rows.map((row, i) =>
              row.kind === 'gap' ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional and rebuilt with the diff
                <tr key={i} className="gap">
                  <td colSpan={4}>
                    … {row.hidden} unchanged line{row.hidden === 1 ? '' : 's'} …
                  </td>
                </tr>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional and rebuilt with the diff
                <tr key={i} className={row.kind} data-kind={row.kind}>
                  <td className="ln">{row.oldNo ?? ''}</td>
                  <td className="ln">{row.newNo ?? ''}</td>
                  <td className="sign" aria-hidden="true">
                    {SIGN[row.kind]}
                  </td>
                  <td className="code">
                    {row.kind !== 'same' && <span className="sr">{row.kind === 'add' ? 'added: ' : 'removed: '}</span>}
                    {row.text}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
