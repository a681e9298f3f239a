import { isManager } from '../session.js';
import { CsvImportControls } from './import-result.js';
import { kindLabel, touchpointsChanged } from './touchpoints.js';
import type { TouchpointImportResult } from '../../../shared/schemas/touchpoint.js';

/**
 * Touchpoints from a spreadsheet, for many accounts at once (a CRM's activity export, last year's meeting log):
 * check the file, read the result row by row, then import the good rows. Importing the same file again adds nothing.
 */
export function TouchpointImport() {
  return (
    <details class="touchpoint-import no-print">
      <summary>Import touchpoints from CSV</summary>
      <p class="muted small">
        Columns: account (name or id), date (YYYY-MM-DD), kind (meeting, call, visit, QBR, social event, email thread), their people (contact emails separated
        by “;”), our people (colleagues’ emails), notes.{isManager() ? ' Your own accounts only.' : ''} A touchpoint already logged — same account, date,
        kind and people — is skipped, so a file can be imported twice. Check the file first; nothing is written until you import.
      </p>
      <CsvImportControls<TouchpointImportResult['rows'][number]>
        id="touchpoint-import-file"
        url="/api/touchpoints/import"
        noun={['touchpoint', 'touchpoints']}
        onImported={() => (touchpointsChanged.value += 1)}
        columns={[
          { label: 'Account', value: (r) => r.account },
          { label: 'Date', value: (r) => r.occurredOn },
          { label: 'Kind', value: (r) => (r.kind ? kindLabel(r.kind) : null) },
        ]}
      />
    </details>
  );
}
