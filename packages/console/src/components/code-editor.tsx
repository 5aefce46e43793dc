import { useRef, type UIEvent } from 'react';
import type { SyntaxCheck } from '../logic/config-syntax.js';
import { HighlightedLine } from './code-view.js';

interface Props {
  label: string;
  type: string;
  value: string;
  onChange: (value: string) => void;
  check: SyntaxCheck;
}

const TYPE_NAME: Record<string, string> = { json: 'JSON', yaml: 'YAML', properties: 'Properties' };

/**
 * The config editor: a plain <textarea> (native undo, selection, input methods and accessibility) over a
 * coloured copy of the text, with line numbers that mark the lines with problems, and the problems listed below
 * with their line and reason; clicking one puts the cursor on that line. Lines do not wrap, so the three layers
 * stay aligned. CodeMirror would do more, but at several times the console's whole size.
 */
export function CodeEditor({ label, type, value, onChange, check }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const backdrop = useRef<HTMLPreElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split('\n');
  const bad = new Map(check.problems.map((p) => [p.line, p.severity]));

  const scrolled = (e: UIEvent<HTMLTextAreaElement>) => {
    const { scrollTop, scrollLeft } = e.currentTarget;
    if (backdrop.current) backdrop.current.style.transform = `translate(${-scrollLeft}px, ${-scrollTop}px)`;
    if (gutter.current) gutter.current.style.transform = `translateY(${-scrollTop}px)`;
  };
  const goTo = (line: number, column = 1) => {
    const el = area.current;
    if (!el) return;
    const offset = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
    el.focus();
    el.setSelectionRange(offset, offset);
  };

  return (
    <div className="editor-block">
      <div className="code-editor">
        <div className="gutter" aria-hidden="true">
          <div ref={gutter}>
            {lines.map((_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a line's number is its identity here
              <div key={i} className={bad.get(i + 1) ?? undefined}>
                {i + 1}
              </div>
            ))}
          </div>
        </div>
        <div className="code-area">
          <pre ref={backdrop} aria-hidden="true">
            {lines.map((line, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a line's number is its identity here
              <div key={i} className={bad.get(i + 1) ? `line ${bad.get(i + 1)}` : 'line'}>
                <HighlightedLine type={type} text={line} />
                {'\n'}
              </div>
            ))}
          </pre>
          <textarea ref={area} aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} onScroll={scrolled} spellCheck={false} wrap="off" autoCapitalize="off" autoComplete="off" />
        </div>
      </div>
      <SyntaxReport type={type} check={check} goTo={goTo} />
    </div>
  );
}

function SyntaxReport({ type, check, goTo }: { type: string; check: SyntaxCheck; goTo: (line: number, column?: number) => void }) {
  if (!check.checked) return <p className="syntax muted">The console does not check {type} syntax; it is published as written.</p>;
  if (check.problems.length === 0) {
    return (
      <p className="syntax ok" role="status">
        Valid {TYPE_NAME[type] ?? type}.
      </p>
    );
  }
  return (
    <ul className="syntax problems" aria-label="Syntax problems" data-testid="syntax-problems">
      {check.problems.map((p) => (
        <li key={`${p.line}:${p.column}:${p.reason}`} className={p.severity}>
          <button type="button" className="link" onClick={() => goTo(p.line, p.column)}>
            Line {p.line}
            {p.column !== undefined ? `, column ${p.column}` : ''}
          </button>
          <span>
            {p.severity === 'error' ? 'Error' : 'Warning'}: {p.reason}
          </span>
        </li>
      ))}
    </ul>
  );
}
