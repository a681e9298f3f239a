import * as z from 'zod';
import { Email, IsoDate, QueryBoolean } from './common.js';
import { AccountDomain, Stage } from './account.js';
import { BuyingRole, LanguageTag, Level } from './contact.js';

/** At most this many rows (not counting the header) per file: a whole portfolio, not a data warehouse. */
export const MAX_PORTFOLIO_ROWS = 50_000;
/** At most this many bytes per file (CSV or XLSX). */
export const MAX_PORTFOLIO_BYTES = 20 * 1024 * 1024;

export const PortfolioImportQuery = z.object({
  dryRun: QueryBoolean.default(false),
  /** The file's name, for the import record, when the file is sent as the raw body. */
  fileName: z.string().trim().min(1).max(200).optional(),
});
export type PortfolioImportQuery = z.infer<typeof PortfolioImportQuery>;

/** The columns of a portfolio file, as the API names them (the header may use any alias: see the route's doc). */
export const PortfolioColumn = z.enum([
  'name',
  'domain',
  'industry',
  'owner',
  'stage',
  'annualRevenue',
  'renewalDate',
  'contactName',
  'email',
  'title',
  'language',
  'level',
  'buyingRole',
  'relationshipStrength',
]);
export type PortfolioColumn = z.infer<typeof PortfolioColumn>;

/** A blank cell is "not given": it keeps what the account or contact has, or takes the default for a new one. */
const optionalText = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), inner.optional());

/**
 * An amount in whole units of the installation's currency, as a spreadsheet shows it ("1,200,000", "€ 85000.50",
 * "1200000"), stored in minor units (cents). Commas are thousands separators; a dot is the decimal point.
 */
const Amount = z.string().transform((text, ctx) => {
  const cleaned = text
    .replace(/[\s'_]/g, '')
    .replace(/^(?:[€$£¥]|[a-z]{3})|(?:[€$£¥]|[a-z]{3})$/gi, '')
    .replace(/,(?=\d{3}(?:\D|$))/g, '');
  const value = /^\d+(\.\d{1,2})?$/.test(cleaned) ? Math.round(Number(cleaned) * 100) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be an amount such as 1200000 or 1,200,000.50' });
    return z.NEVER;
  }
  return value;
});

/** Words people write for the stages: "Key account", "key-account", "KEY_ACCOUNT". */
const StageText = z.string().transform((v) => v.trim().toLowerCase().replace(/[\s-]+/g, '_')).pipe(Stage);
const LevelText = z.string().trim().toLowerCase().pipe(Level);
const BuyingRoleText = z.string().trim().toLowerCase().transform((v) => v.replace(/[\s-]+/g, '_')).pipe(BuyingRole);
const Strength = z.string().trim().pipe(z.coerce.number<string>({ message: 'must be a whole number from 1 to 5' }).int().min(1).max(5));

/**
 * One row of a portfolio file, every cell as text (XLSX numbers and dates are turned into text first). The account
 * name is required; contact columns are read when the row names a contact (an email, or any other contact cell).
 */
export const PortfolioRow = z
  .object({
    name: z.string({ message: 'is required' }).trim().min(1, { message: 'is required' }).max(200),
    domain: optionalText(AccountDomain),
    industry: optionalText(z.string().trim().max(100)),
    owner: optionalText(Email),
    stage: optionalText(StageText),
    annualRevenue: optionalText(Amount),
    renewalDate: optionalText(z.string().trim().pipe(IsoDate)),
    contactName: optionalText(z.string().trim().max(200)),
    email: optionalText(Email),
    title: optionalText(z.string().trim().max(200)),
    language: optionalText(LanguageTag),
    level: optionalText(LevelText),
    buyingRole: optionalText(BuyingRoleText),
    relationshipStrength: optionalText(Strength),
  })
  .superRefine((row, ctx) => {
    const contactCells = [row.contactName, row.title, row.language, row.level, row.buyingRole, row.relationshipStrength];
    if (row.email === undefined && contactCells.some((v) => v !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'is required for a contact' });
    }
  });
export type PortfolioRow = z.infer<typeof PortfolioRow>;

export const ImportRowError = z.object({ column: z.string(), message: z.string() });

export const PortfolioImportRow = z.object({
  /** The file's line (CSV) or the sheet's row number (XLSX). */
  line: z.number().int(),
  /** `created`: a new account or contact; `updated`: an existing one changed; `skipped`: nothing to change. */
  status: z.enum(['created', 'updated', 'skipped', 'error']),
  account: z.string().nullable(),
  accountId: z.uuid().nullable(),
  email: z.string().nullable(),
  contactId: z.uuid().nullable(),
  errors: z.array(ImportRowError),
  /** What happened to the account and the contact, in words ("account created, contact updated"). */
  note: z.string().nullable(),
});
export type PortfolioImportRow = z.infer<typeof PortfolioImportRow>;

/** The same shape as every CSV import's answer, plus the header columns that were not read. */
export const PortfolioImportResult = z.object({
  dryRun: z.boolean(),
  /** Header cells no alias matched: their columns are ignored. */
  unknownColumns: z.array(z.string()),
  rows: z.array(PortfolioImportRow),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
});
export type PortfolioImportResult = z.infer<typeof PortfolioImportResult>;
