import { highlightLine } from '../logic/highlight.js';

/** One line's coloured tokens (shared by the read-only view and the editor's backdrop). */
export function HighlightedLine({ type, text }: { type: string; text: string }) {
  return (
    <>
      {highlightLine(type, text).map((t, i) =>
        t.kind === 'plain' ? (
          t.text
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: tokens are positional and rebuilt with the line
          <span key={i} className={`tok-${t.kind}`}>
            {t.text}
          </span>
        ),
      )}
    </>
  );
}

/** A config's content, read-only, with line numbers and simple colouring. */
export function CodeView({ type, content, label }: { type: string; content: string; label: string }) {
  const lines = content.split('\n');
  return (
    <section className="code-view" aria-label={label}>
      <table>
        <tbody>
          {lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a line's number is its identity here
            <tr key={i}>
              <td className="ln">{i + 1}</td>
              <td className="code">
                <HighlightedLine type={type} text={line} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
