/*
 * What the sync service needs from a CRM, in Keypulse's words. HubSpot implements it today (hubspot.ts); a
 * Salesforce adapter would implement the same shape (Accounts for companies, Contacts by AccountId, SOQL with
 * LastModifiedDate for the incremental read) and the service would not change.
 */

/** A company as Keypulse reads it. Money in minor units of the installation's currency; dates `YYYY-MM-DD`. */
export interface CrmCompany {
  id: string;
  name: string;
  /** Lower case, no scheme or `www.` (`northwind.com`); null when the CRM has none. */
  domain: string | null;
  industry: string | null;
  annualRevenue: number | null;
  /** The CRM owner's email, matched to a Keypulse user; null when the company has no owner. */
  ownerEmail: string | null;
  renewalDate: string | null;
  /** The CRM's last-modified time of the record: the incremental sync and the conflict rule compare it. */
  modifiedAt: Date;
}

export interface CrmContact {
  id: string;
  /** The company it was read for (a contact of two companies comes once per company). */
  companyId: string;
  name: string;
  email: string | null;
  jobTitle: string | null;
  /** BCP 47 tag as the CRM has it (`en`, `pt-br`); null when unknown. */
  language: string | null;
  modifiedAt: Date;
}

export interface CrmCompanyPage {
  companies: CrmCompany[];
  /** Opaque: pass it back to get the next page; null after the last page. Saved with the run, so a resumed run goes on from here. */
  next: string | null;
}

export interface CrmContactPage {
  contacts: CrmContact[];
  next: string | null;
}

/** Values written onto one record: property name → value as text (the CRM's own wire format). */
export interface CrmWrite {
  id: string;
  properties: Record<string, string>;
}

/** The CRM's last-modified time after a write: so our own write is not taken for a change on the CRM's side. */
export interface CrmWritten {
  id: string;
  modifiedAt: Date | null;
}

export interface CrmAdapter {
  /** Companies modified at or after `modifiedSince` (null: all), oldest change first, one page per call. */
  listCompanies(modifiedSince: Date | null, after: string | null): Promise<CrmCompanyPage>;
  /** The contacts associated with these companies. */
  contactsOfCompanies(companyIds: string[]): Promise<CrmContact[]>;
  /**
   * Contacts modified at or after `modifiedSince`, once per company they belong to, one page per call: a contact
   * edited in the CRM while its company was not is still picked up by an incremental sync.
   */
  listContacts(modifiedSince: Date, after: string | null): Promise<CrmContactPage>;
  /** Batch updates; the caller sends at most WRITE_BATCH records per call. */
  writeCompanies(updates: CrmWrite[]): Promise<CrmWritten[]>;
  writeContacts(updates: CrmWrite[]): Promise<CrmWritten[]>;
  /** Creates the write-back fields (and their group) where missing; safe to call every run. */
  ensureProperties(): Promise<void>;
}

/** Records per write request: HubSpot's batch endpoints take at most 100 inputs. */
export const WRITE_BATCH = 100;

/** Thrown for answers that retrying cannot fix (a revoked token, missing scopes): the run fails at once. */
export class CrmAuthError extends Error {}
