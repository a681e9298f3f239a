import { withQuery } from '../api.js';

/** A download link for a report's CSV form (every report answers `format=csv`). */
export function CsvLink({ path, query = {}, label = 'Download CSV' }: { path: string; query?: Record<string, string | number | undefined>; label?: string }) {
  return (
    <a class="button secondary no-print" href={withQuery(path, { ...query, format: 'csv' })} download>
      {label}
    </a>
  );
}

/** Opens the browser's print dialog: the print stylesheet makes a clean report ("Save as PDF"). */
export function PrintButton() {
  return (
    <button type="button" class="secondary no-print" onClick={() => window.print()}>
      Print / Save as PDF
    </button>
  );
}
