import { isManager } from '../session.js';
import { CsvImportControls } from './import-result.js';
import type { PortfolioImportResult } from '../../../shared/schemas/portfolio-import.js';

/** The template: every column once, with one account and two of its contacts as the example. */
const TEMPLATE = [
  'Account name,Domain,Industry,Owner email,Stage,Annual revenue,Renewal date,Contact name,Email,Title,Language,Level,Buying role,Relationship strength',
  'Northwind Traders,northwind.example,Logistics,,customer,1200000,2027-03-31,Nina North,nina@northwind.example,CFO,en,instigator,economic_buyer,4',
  'Northwind Traders,northwind.example,Logistics,,customer,1200000,2027-03-31,Ned North,ned@northwind.example,Head of Operations,de,influencer,champion,3',
].join('\r\n');
const templateHref = `data:text/csv;charset=utf-8,${encodeURIComponent(`${TEMPLATE}\r\n`)}`;

type Row = PortfolioImportResult['rows'][number];

/** The whole portfolio from one CSV or XLSX sheet, checked first (a dry run), with each row's result by its line. */
export function PortfolioImport({ onImported }: { onImported?: () => void }) {
  return (
    <details class="portfolio-import no-print">
      <summary>Import portfolio</summary>
      <p class="muted small">
        One row per contact, the account’s columns repeated on each: account name, domain, industry, owner email, stage, annual revenue, renewal date
        (YYYY-MM-DD), contact name, email, title, language, level, buying role, relationship strength. Accounts are matched by domain, then by name;
        contacts by email. A blank cell keeps what is there.{isManager() ? ' Your own accounts only: leave the owner blank or write your email.' : ''}{' '}
        Check the file first; nothing is written until you import.{' '}
        <a href={templateHref} download="keypulse-portfolio-template.csv">
          Download the template (CSV)
        </a>
      </p>
      <CsvImportControls<Row>
        id="portfolio-import-file"
        url="/api/import/portfolio"
        noun={['row', 'rows']}
        xlsx
        onImported={onImported}
        columns={[
          { label: 'Account', value: (r) => r.account },
          { label: 'Email', value: (r) => r.email },
        ]}
      />
    </details>
  );
}
