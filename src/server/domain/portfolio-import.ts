import { PortfolioRow, type PortfolioColumn, type PortfolioImportRow } from '../../shared/schemas/portfolio-import.js';
import type { Actor } from './permissions.js';
import { canOwnAccounts } from './permissions.js';
import type { Role } from '../../shared/schemas/user.js';
import { ImportFileError } from './csv-import.js';
import { normalizeHeading } from './csv.js';

export { ImportFileError };

export { normalizeHeading };

/** The headings people write in a portfolio sheet (normalized), mapped to our columns. */
const ALIASES: Record<PortfolioColumn, string[]> = {
  name: ['name', 'account', 'accountname', 'company', 'companyname', 'customer', 'customername', 'organization', 'organisation'],
  domain: ['domain', 'accountdomain', 'companydomain', 'webdomain', 'website', 'web', 'url', 'site'],
  industry: ['industry', 'sector', 'vertical'],
  owner: ['owner', 'owneremail', 'accountowner', 'accountowneremail', 'accountmanager', 'accountmanageremail', 'kam', 'manager'],
  stage: ['stage', 'accountstage', 'lifecyclestage'],
  annualRevenue: ['annualrevenue', 'revenue', 'arr', 'annualrecurringrevenue', 'yearlyrevenue'],
  renewalDate: ['renewaldate', 'renewal', 'renewson', 'nextrenewal', 'contractend', 'contractenddate'],
  contactName: ['contactname', 'contact', 'fullname', 'contactfullname', 'person', 'personname'],
  email: ['email', 'emailaddress', 'contactemail', 'contactemailaddress', 'mail'],
  title: ['title', 'jobtitle', 'contacttitle', 'position'],
  language: ['language', 'lang', 'contactlanguage', 'locale'],
  level: ['level', 'decisionlevel', 'contactlevel'],
  buyingRole: ['buyingrole', 'role', 'contactrole'],
  relationshipStrength: ['relationshipstrength', 'relationship', 'strength'],
};
const columnOf = new Map(Object.entries(ALIASES).flatMap(([column, names]) => names.map((n) => [n, column as PortfolioColumn])));

/** The template's header: one heading per column, in the order the page's template CSV has them. */
export const TEMPLATE_HEADINGS: Record<PortfolioColumn, string> = {
  name: 'Account name',
  domain: 'Domain',
  industry: 'Industry',
  owner: 'Owner email',
  stage: 'Stage',
  annualRevenue: 'Annual revenue',
  renewalDate: 'Renewal date',
  contactName: 'Contact name',
  email: 'Email',
  title: 'Title',
  language: 'Language',
  level: 'Level',
  buyingRole: 'Buying role',
  relationshipStrength: 'Relationship strength',
};

export interface PortfolioHeader {
  /** The column each cell of a row feeds (null: not read). */
  columns: (PortfolioColumn | null)[];
  /** Headings no alias matched, each once, as written. */
  unknown: string[];
}

/** Reads the header row. A file without an account name column, or naming one column twice, is refused whole. */
export function readPortfolioHeader(cells: string[]): PortfolioHeader {
  const columns: (PortfolioColumn | null)[] = [];
  const unknown: string[] = [];
  const seen = new Map<PortfolioColumn, string>();
  for (const cell of cells) {
    const heading = cell.trim();
    const column = columnOf.get(normalizeHeading(heading)) ?? null;
    if (column) {
      const earlier = seen.get(column);
      if (earlier !== undefined) throw new ImportFileError(`the columns "${earlier}" and "${heading}" both mean ${TEMPLATE_HEADINGS[column]}: keep one`);
      seen.set(column, heading);
    } else if (heading && !unknown.includes(heading)) unknown.push(heading);
    columns.push(column);
  }
  if (!seen.has('name')) {
    throw new ImportFileError('missing column: account name (a heading such as "Account name", "Account" or "Company")');
  }
  return { columns, unknown };
}

/** An XLSX cell as the text a CSV would hold: dates as YYYY-MM-DD (the calendar date the sheet shows). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  return String(value);
}

export type RowError = { column: string; message: string };

/** One data row: its line, and either the validated values or what is wrong with which column. */
export type ParsedPortfolioRow =
  | { line: number; ok: true; value: PortfolioRow }
  | { line: number; ok: false; account: string | null; email: string | null; errors: RowError[] };

/** True when no cell of the row holds anything: such rows are skipped, like blank lines. */
export const isBlankRow = (fields: string[]) => fields.every((f) => f.trim() === '');

export function parsePortfolioRow(header: PortfolioHeader, line: number, fields: string[]): ParsedPortfolioRow {
  const raw: Partial<Record<PortfolioColumn, string>> = {};
  header.columns.forEach((column, i) => {
    if (column) raw[column] = fields[i] ?? '';
  });
  const result = PortfolioRow.safeParse(raw);
  if (result.success) return { line, ok: true, value: result.data };
  return {
    line,
    ok: false,
    account: raw.name?.trim() || null,
    email: raw.email?.trim().toLowerCase() || null,
    errors: result.error.issues.map((issue) => ({ column: String(issue.path[0] ?? 'row'), message: issue.message })),
  };
}

// ------------------------------------------------------------------------------------------------ the plan

export interface KnownUser {
  id: string;
  role: Role;
  disabled: boolean;
}
export interface KnownAccount {
  id: string;
  name: string;
  domain: string | null;
  ownerId: string;
  industry: string | null;
  stage: string;
  annualRevenue: number | null;
  renewalDate: string | null;
}
export interface KnownContact {
  id: string;
  accountId: string;
  email: string;
  name: string;
  title: string | null;
  language: string;
  level: string;
  buyingRole: string;
  relationshipStrength: number;
}

/** What the database already holds for the file's owners, accounts and contacts (looked up before planning). */
export interface PortfolioLookups {
  usersByEmail: Map<string, KnownUser>;
  accountsByDomain: Map<string, KnownAccount[]>;
  accountsByName: Map<string, KnownAccount[]>;
  /** Keyed `${accountId}|${lower(email)}`. */
  contacts: Map<string, KnownContact>;
  /** Emails of erased contacts (never added again). */
  erasedEmails: Set<string>;
}

type AccountFields = Pick<KnownAccount, 'name' | 'domain' | 'ownerId' | 'industry' | 'stage' | 'annualRevenue' | 'renewalDate'>;
type ContactFields = Omit<KnownContact, 'id' | 'accountId'>;

/** What one good row writes: nothing, or an account to create or change and a contact to create or change. */
export interface RowWrite {
  line: number;
  /** New account created by this row (its first good row), with an id chosen here so contacts can point at it. */
  createAccount?: { id: string } & AccountFields;
  updateAccount?: { id: string; changes: Partial<AccountFields> };
  createContact?: { id: string; accountId: string } & ContactFields;
  updateContact?: { id: string; changes: Partial<ContactFields> };
}

export interface PlannedRow {
  result: PortfolioImportRow;
  write: RowWrite | null;
}

/** An account as this file has left it so far: where each field was set, to catch rows that disagree. */
interface FileAccount {
  id: string;
  isNew: boolean;
  current: AccountFields;
  setOn: Partial<Record<keyof AccountFields, number>>;
  firstLine: number;
}

const CONTACT_DEFAULTS = { title: null, language: 'en', relationshipStrength: 3 };

/**
 * Decides, row by row in file order, what each row does — pure, so a dry run and an import agree exactly.
 *
 * - Accounts match by domain first, then by name (ignoring case) among accounts without a domain; several matches
 *   are an error that asks for the domain. Rows of one account may be anywhere in the file.
 * - The first good row of a new account creates it; blank cells keep what is there (or the default). A later row
 *   that gives a different value for a field an earlier row set is an error naming that line: the file disagrees
 *   with itself, and guessing would lose one of the two.
 * - Managers: the owner must be them or blank (→ them); an account of someone else reads "account not found".
 * - A contact is matched by account and email; the same contact twice in the file is an error on the second.
 * - A bad row plans nothing: later rows see the accounts and contacts as if it were not in the file.
 */
export function planPortfolioImport(
  rows: Iterable<ParsedPortfolioRow>,
  actor: Actor,
  lookups: PortfolioLookups,
  newId: () => string,
): PlannedRow[] {
  const fileAccounts = new Map<string, FileAccount>();
  const byDomain = new Map<string, FileAccount>();
  const byName = new Map<string, FileAccount>();
  const contactLines = new Map<string, number>();
  const planned: PlannedRow[] = [];

  for (const row of rows) {
    if (!row.ok) {
      planned.push({ write: null, result: { line: row.line, status: 'error', account: row.account, accountId: null, email: row.email, contactId: null, errors: row.errors, note: null } });
      continue;
    }
    const v = row.value;
    const errors: RowError[] = [];
    const base = { line: row.line, account: v.name, email: v.email ?? null };
    const fail = () => planned.push({ write: null, result: { ...base, status: 'error', accountId: null, contactId: null, errors, note: null } });

    // Owner.
    let ownerId: string | undefined;
    if (v.owner !== undefined) {
      const owner = lookups.usersByEmail.get(v.owner);
      if (!owner || owner.disabled) errors.push({ column: 'owner', message: 'no active user has this email' });
      else if (!canOwnAccounts(owner.role)) errors.push({ column: 'owner', message: 'must be an account manager or an admin' });
      else if (actor.role !== 'admin' && owner.id !== actor.id) errors.push({ column: 'owner', message: 'you can import only accounts you own: leave it blank or write your own email' });
      else ownerId = owner.id;
    }

    // Account: this file's first, then the database's.
    let account: FileAccount | undefined = (v.domain && byDomain.get(v.domain)) || (!v.domain ? byName.get(v.name.toLowerCase()) : undefined);
    if (!account && v.domain) account = byName.get(v.name.toLowerCase());
    if (account && v.domain && account.current.domain && account.current.domain !== v.domain) account = undefined;
    let stored: KnownAccount | undefined;
    if (!account) {
      const sameDomain = v.domain ? (lookups.accountsByDomain.get(v.domain) ?? []) : [];
      const sameName = (lookups.accountsByName.get(v.name.toLowerCase()) ?? []).filter((a) => a.domain === null);
      const candidates = sameDomain.length ? sameDomain : sameName;
      if (candidates.length > 1) {
        errors.push(sameDomain.length
          ? { column: 'domain', message: 'several accounts have this domain' }
          : { column: 'name', message: 'several accounts have this name: add a domain column to tell them apart' });
      } else if (candidates.length === 1) {
        const found = candidates[0]!;
        // Another manager's account is "not found", as everywhere: the row cannot reach it.
        if (actor.role !== 'admin' && found.ownerId !== actor.id) errors.push({ column: 'name', message: 'account not found among the accounts you may import to' });
        else stored = found;
      }
    }
    if (errors.length) {
      fail();
      continue;
    }

    // What the row says about the account, against what the file (or the database) has.
    const given: Partial<AccountFields> = {};
    if (v.domain !== undefined) given.domain = v.domain;
    if (v.industry !== undefined) given.industry = v.industry;
    if (ownerId !== undefined) given.ownerId = ownerId;
    if (v.stage !== undefined) given.stage = v.stage;
    if (v.annualRevenue !== undefined) given.annualRevenue = v.annualRevenue;
    if (v.renewalDate !== undefined) given.renewalDate = v.renewalDate;

    let target: FileAccount;
    let accountCreated = false;
    const accountChanges: Partial<AccountFields> = {};
    if (account) {
      target = account;
      for (const [key, value] of Object.entries(given) as [keyof AccountFields, unknown][]) {
        if (target.current[key] === value) continue;
        const earlier = target.setOn[key];
        if (earlier !== undefined) {
          errors.push({ column: columnName(key), message: `differs from line ${earlier} for the same account` });
        } else (accountChanges as Record<string, unknown>)[key] = value;
      }
    } else if (stored) {
      const fields = accountFieldsOf(stored);
      target = { id: stored.id, isNew: false, current: { ...fields }, setOn: {}, firstLine: row.line };
      for (const [key, value] of Object.entries(given) as [keyof AccountFields, unknown][]) {
        if (fields[key] !== value) (accountChanges as Record<string, unknown>)[key] = value;
      }
    } else {
      const fields: AccountFields = {
        name: v.name,
        domain: v.domain ?? null,
        ownerId: ownerId ?? actor.id,
        industry: v.industry ?? null,
        stage: v.stage ?? 'customer',
        annualRevenue: v.annualRevenue ?? null,
        renewalDate: v.renewalDate ?? null,
      };
      target = { id: newId(), isNew: true, current: fields, setOn: {}, firstLine: row.line };
      accountCreated = true;
    }

    // The contact.
    let contactWrite: Pick<RowWrite, 'createContact' | 'updateContact'> = {};
    let contactId: string | null = null;
    let contactNote: string | null = null;
    if (v.email !== undefined) {
      const key = `${target.id}|${v.email}`;
      const earlier = contactLines.get(key);
      const existing = lookups.contacts.get(key);
      if (earlier !== undefined) errors.push({ column: 'email', message: `appears again for this account: already on line ${earlier}` });
      else if (existing) {
        const changes: Partial<ContactFields> = {};
        const givenContact: Partial<ContactFields> = {
          name: v.contactName,
          title: v.title,
          language: v.language,
          level: v.level,
          buyingRole: v.buyingRole,
          relationshipStrength: v.relationshipStrength,
        };
        for (const [k, value] of Object.entries(givenContact) as [keyof ContactFields, unknown][]) {
          if (value !== undefined && existing[k] !== value) (changes as Record<string, unknown>)[k] = value;
        }
        contactId = existing.id;
        if (Object.keys(changes).length) {
          contactWrite = { updateContact: { id: existing.id, changes } };
          contactNote = 'contact updated';
        } else contactNote = 'contact unchanged';
      } else {
        if (lookups.erasedEmails.has(v.email)) errors.push({ column: 'email', message: 'belonged to a contact whose data was erased: not added again' });
        if (v.contactName === undefined) errors.push({ column: 'contactName', message: 'is required for a new contact' });
        if (v.level === undefined) errors.push({ column: 'level', message: 'is required for a new contact' });
        if (v.buyingRole === undefined) errors.push({ column: 'buyingRole', message: 'is required for a new contact' });
        if (!errors.length) {
          contactId = newId();
          contactWrite = {
            createContact: {
              id: contactId,
              accountId: target.id,
              email: v.email,
              name: v.contactName!,
              level: v.level!,
              buyingRole: v.buyingRole!,
              title: v.title ?? CONTACT_DEFAULTS.title,
              language: v.language ?? CONTACT_DEFAULTS.language,
              relationshipStrength: v.relationshipStrength ?? CONTACT_DEFAULTS.relationshipStrength,
            },
          };
          contactNote = 'contact created';
        }
      }
    }
    if (errors.length) {
      fail();
      continue;
    }

    // The row is good: only now does it change what later rows see.
    if (!fileAccounts.has(target.id)) fileAccounts.set(target.id, target);
    Object.assign(target.current, accountChanges);
    // Only what a row gave is pinned: a default (stage "customer") does not make a later row's stage a conflict.
    for (const key of Object.keys(given) as (keyof AccountFields)[]) target.setOn[key] ??= row.line;
    if (target.current.domain) byDomain.set(target.current.domain, target);
    if (!byName.has(target.current.name.toLowerCase())) byName.set(target.current.name.toLowerCase(), target);
    if (v.email !== undefined) contactLines.set(`${target.id}|${v.email}`, row.line);

    const changedAccount = !accountCreated && Object.keys(accountChanges).length > 0;
    const write: RowWrite = { line: row.line, ...contactWrite };
    if (accountCreated) write.createAccount = { id: target.id, ...target.current };
    if (changedAccount) write.updateAccount = { id: target.id, changes: accountChanges };
    const accountNote = accountCreated ? 'account created' : changedAccount ? 'account updated' : 'account unchanged';
    const status = accountCreated || write.createContact ? 'created' : changedAccount || write.updateContact ? 'updated' : 'skipped';
    planned.push({
      write: status === 'skipped' ? null : write,
      result: {
        ...base,
        account: target.current.name,
        accountId: target.id,
        contactId,
        status,
        errors: [],
        note: [accountNote, contactNote].filter(Boolean).join(', '),
      },
    });
  }
  return planned;
}

function accountFieldsOf(a: KnownAccount): AccountFields {
  return { name: a.name, domain: a.domain, ownerId: a.ownerId, industry: a.industry, stage: a.stage, annualRevenue: a.annualRevenue, renewalDate: a.renewalDate };
}

/** The column a field came from, as the row result names it. */
const columnName = (key: keyof AccountFields): string => (key === 'ownerId' ? 'owner' : key);
