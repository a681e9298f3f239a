import { AccountValueCsvRow } from '../../shared/schemas/program.js';
import { readImportTable, ImportFileError } from './csv-import.js';

export { ImportFileError };

/**
 * Quarterly figures from a spreadsheet: columns account (name or id), quarter (2026-Q3), revenue, gross profit,
 * team cost, discounts. Amounts are in currency units with up to two decimals (12500.50) and stored in cents.
 * Team cost and discounts may be left empty (0).
 */
const headerAliases: Record<string, keyof AccountValueCsvRow> = {
  account: 'account',
  'account name': 'account',
  'account id': 'account',
  customer: 'account',
  quarter: 'quarter',
  period: 'quarter',
  revenue: 'revenue',
  sales: 'revenue',
  'gross profit': 'grossProfit',
  grossprofit: 'grossProfit',
  gross_profit: 'grossProfit',
  'team cost': 'teamCost',
  teamcost: 'teamCost',
  team_cost: 'teamCost',
  'account team cost': 'teamCost',
  'team time': 'teamCost',
  discounts: 'discounts',
  discount: 'discounts',
};
const requiredColumns = ['account', 'quarter', 'revenue', 'grossProfit'] as const;

export type ParsedValueRow =
  | { line: number; ok: true; value: AccountValueCsvRow }
  | { line: number; ok: false; account: string | null; quarter: string | null; errors: { column: string; message: string }[] };

export function parseValueImport(text: string): ParsedValueRow[] {
  const { columns, rows } = readImportTable(text, {
    aliases: headerAliases,
    required: requiredColumns,
    expected: 'account, quarter, revenue, gross profit, team cost, discounts',
    rowsAre: 'account and quarter',
  });
  const seen = new Map<string, number>();
  return rows
    .map((record): ParsedValueRow => {
      const raw: Record<string, string> = { teamCost: '', discounts: '' };
      columns.forEach((col, i) => {
        if (col) raw[col] = record.fields[i] ?? '';
      });
      const account = raw.account?.trim() || null;
      const quarter = raw.quarter?.trim().toUpperCase() || null;
      const result = AccountValueCsvRow.safeParse(raw);
      if (!result.success) {
        const errors = result.error.issues.map((issue) => ({ column: String(issue.path[0] ?? 'row'), message: issue.message }));
        return { line: record.line, ok: false, account, quarter, errors };
      }
      const key = `${result.data.account.toLowerCase()}|${result.data.quarter}`;
      const firstLine = seen.get(key);
      if (firstLine !== undefined) {
        return { line: record.line, ok: false, account, quarter, errors: [{ column: 'quarter', message: `this account and quarter are already on line ${firstLine}` }] };
      }
      seen.set(key, record.line);
      return { line: record.line, ok: true, value: result.data };
    });
}
