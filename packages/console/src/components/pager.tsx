import { Link } from './link.js';

/** "← Previous · Page 2 of 5 (93 services) · Next →" for a list whose pages are addresses. */
export function Pager({ pageNo, pages, total, noun, hrefOf }: { pageNo: number; pages: number; total: number; noun: string; hrefOf: (pageNo: number) => string }) {
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label="Pages">
      {pageNo > 1 && <Link href={hrefOf(pageNo - 1)}>← Previous</Link>}
      <span>
        Page {pageNo} of {pages} ({total} {noun})
      </span>
      {pageNo < pages && <Link href={hrefOf(pageNo + 1)}>Next →</Link>}
    </nav>
  );
}
