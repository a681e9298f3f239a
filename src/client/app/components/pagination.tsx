import { formatNumber } from '../format.js';

interface PaginationProps {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  /** What is counted: "accounts", "tasks". */
  noun?: string;
}

/** "41–60 of 212 accounts · Previous · Next"; nothing when everything fits on one page. */
export function Pagination({ page, pageSize, total, onPage, noun = 'items' }: PaginationProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <nav class="pagination" aria-label="Pages">
      <span>
        {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)} {noun}
      </span>
      {pages > 1 && (
        <span class="pager">
          <button type="button" class="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
            Previous
          </button>
          <span aria-current="page">
            Page {formatNumber(page)} of {formatNumber(pages)}
          </span>
          <button type="button" class="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
            Next
          </button>
        </span>
      )}
    </nav>
  );
}
