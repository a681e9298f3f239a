import { Client } from '@hubspot/api-client';
import { CrmAuthError, type CrmAdapter, type CrmCompany, type CrmCompanyPage, type CrmContact, type CrmContactPage, type CrmWrite, type CrmWritten } from './adapter.js';
import { AccountDomain } from '../../../shared/schemas/account.js';

/*
 * HubSpot through its official SDK (@hubspot/api-client 13). The calls and their REST shapes:
 * - companies: POST /crm/v3/objects/companies/search (companies.searchApi.doSearch) — filter hs_lastmodifieddate GTE,
 *   sorted by it ascending, paged with `after`;
 * - owners: GET /crm/v3/owners/ (owners.ownersApi.getPage), paged, for their emails;
 * - company → contacts: POST /crm/v4/associations/companies/contacts/batch/read (associations.v4.batchApi.getPage);
 * - contacts: POST /crm/v3/objects/contacts/batch/read (contacts.batchApi.read) with the properties we map;
 * - contacts changed on their own: POST /crm/v3/objects/contacts/search (lastmodifieddate GTE), then
 *   POST /crm/v4/associations/contacts/companies/batch/read for their companies;
 * - write-back: POST /crm/v3/objects/{companies|contacts}/batch/update (batchApi.update), `{ inputs: [{ id, properties }] }`;
 * - fields: GET/POST /crm/v3/properties/{objectType}[/groups] (properties.coreApi / groupsApi).
 *
 * The search API returns at most 10,000 results for one query (`after` cannot go past it). A long first sync is
 * therefore split into time windows: when a window's paging nears the cap, the next page starts a new query from
 * the last company's modified time (GTE, so companies sharing that instant are read again — harmless, the sync is
 * idempotent). Only more than 10,000 companies modified in the very same millisecond would defeat it.
 */

const PAGE_SIZE = 100;
const SEARCH_CAP = 10_000;
const CONTACT_PROPERTIES = ['firstname', 'lastname', 'email', 'jobtitle', 'hs_language', 'lastmodifieddate'];
const GROUP = 'keypulse';

/** The write-back fields, created where missing (group `keypulse`). */
export const HUBSPOT_PROPERTIES = {
  companies: [
    { name: 'keypulse_nps', label: 'Keypulse NPS', type: 'number', fieldType: 'number', description: 'Latest quarter’s NPS (−100 to 100)' },
    { name: 'keypulse_nps_responses', label: 'Keypulse NPS responses', type: 'number', fieldType: 'number', description: 'Answers behind the NPS (n)' },
    {
      name: 'keypulse_risk_level',
      label: 'Keypulse risk level',
      type: 'enumeration',
      fieldType: 'select',
      description: 'Risk level from the Monday Morning Report',
      options: [
        { label: 'Green', value: 'green', displayOrder: 0, hidden: false },
        { label: 'Amber', value: 'amber', displayOrder: 1, hidden: false },
        { label: 'Red', value: 'red', displayOrder: 2, hidden: false },
      ],
    },
    { name: 'keypulse_risk_reasons', label: 'Keypulse risk reasons', type: 'string', fieldType: 'textarea', description: 'Why, in words' },
    { name: 'keypulse_last_survey_date', label: 'Keypulse last survey date', type: 'date', fieldType: 'date', description: 'Last NPS answer' },
  ],
  contacts: [
    { name: 'keypulse_last_score', label: 'Keypulse last score', type: 'number', fieldType: 'number', description: 'Last NPS score (0–10)' },
    { name: 'keypulse_last_score_date', label: 'Keypulse last score date', type: 'date', fieldType: 'date', description: 'When it was given' },
  ],
} as const;

export interface HubspotOptions {
  accessToken: string;
  baseUrl: string;
  /** The company property with the renewal date; null: none. */
  renewalDateProperty: string | null;
  /** SDK retries on 429 and 5xx (0–6); tests use 0 so a failing fake fails at once. */
  retries?: number;
}

/** `https://www.Northwind.com/about` → `northwind.com`, as the account API stores domains; not a domain → null. */
export function normalizeDomain(value: string | null | undefined): string | null {
  const parsed = AccountDomain.safeParse(value ?? '');
  return parsed.success ? parsed.data : null;
}

/** HubSpot date properties come as `YYYY-MM-DD`, an ISO instant, or midnight UTC in milliseconds. */
export function hubspotDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) return text.slice(0, 10);
  if (/^\d{10,14}$/.test(text)) return new Date(Number(text)).toISOString().slice(0, 10);
  return null;
}

/** Annual revenue in the installation currency's major units (HubSpot's number) → minor units. */
function revenue(value: string | null | undefined): number | null {
  if (!value) return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && n < Number.MAX_SAFE_INTEGER / 100 ? Math.round(n * 100) : null;
}

const text = (value: string | null | undefined) => (value && value.trim() ? value.trim() : null);

function modifiedOf(properties: Record<string, string | null>, updatedAt: Date | undefined, key: string): Date {
  const raw = properties[key];
  const parsed = raw ? new Date(/^\d+$/.test(raw) ? Number(raw) : raw) : null;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed : (updatedAt ?? new Date(0));
}

/** The cursor of listCompanies: the window's start (ms since the epoch; null: from the beginning) and the paging offset. */
interface SearchCursor {
  since: number | null;
  after: string | null;
}

export class HubspotAdapter implements CrmAdapter {
  private readonly client: Client;
  private owners: Map<string, string> | null = null;

  constructor(private readonly options: HubspotOptions) {
    this.client = new Client({
      accessToken: options.accessToken,
      basePath: options.baseUrl,
      numberOfApiCallRetries: options.retries ?? 3,
    });
  }

  async listCompanies(modifiedSince: Date | null, cursorText: string | null): Promise<CrmCompanyPage> {
    const cursor: SearchCursor = cursorText ? JSON.parse(cursorText) : { since: modifiedSince ? modifiedSince.getTime() : null, after: null };
    const renewal = this.options.renewalDateProperty;
    const properties = ['name', 'domain', 'industry', 'annualrevenue', 'hubspot_owner_id', 'hs_lastmodifieddate', ...(renewal ? [renewal] : [])];
    const page = await this.call(() =>
      this.client.crm.companies.searchApi.doSearch({
        filterGroups: cursor.since === null ? [] : [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as never, value: String(cursor.since) }] }],
        // The SDK types sorts as strings; HubSpot's documented form is this object.
        sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }] as never,
        properties,
        limit: PAGE_SIZE,
        after: cursor.after ?? undefined,
      }),
    );
    const owners = await this.ownerEmails();
    const companies: CrmCompany[] = page.results.map((r) => {
      const p = r.properties;
      return {
        id: r.id,
        name: text(p.name) ?? `HubSpot company ${r.id}`,
        domain: normalizeDomain(p.domain),
        industry: text(p.industry),
        annualRevenue: revenue(p.annualrevenue),
        ownerEmail: p.hubspot_owner_id ? (owners.get(p.hubspot_owner_id) ?? null) : null,
        renewalDate: renewal ? hubspotDate(p[renewal]) : null,
        modifiedAt: modifiedOf(p, r.updatedAt, 'hs_lastmodifieddate'),
      };
    });
    const nextAfter = page.paging?.next?.after ?? null;
    let next: SearchCursor | null = null;
    if (nextAfter !== null) {
      // Near the search cap: start a new window from the last company's modified time instead of paging on.
      next = Number(nextAfter) + PAGE_SIZE > SEARCH_CAP && companies.length ? { since: companies.at(-1)!.modifiedAt.getTime(), after: null } : { since: cursor.since, after: nextAfter };
    }
    return { companies, next: next ? JSON.stringify(next) : null };
  }

  async contactsOfCompanies(companyIds: string[]): Promise<CrmContact[]> {
    if (!companyIds.length) return [];
    const pairs = (await this.associated('companies', 'contacts', companyIds)).map(([companyId, contactId]) => ({ companyId, contactId }));
    const ids = [...new Set(pairs.map((p) => p.contactId))];
    const byId = new Map<string, { properties: Record<string, string | null>; updatedAt?: Date }>();
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const answer = await this.call(() =>
        this.client.crm.contacts.batchApi.read({ inputs: chunk.map((id) => ({ id })), properties: CONTACT_PROPERTIES, propertiesWithHistory: [] }),
      );
      for (const r of answer.results) byId.set(r.id, { properties: r.properties, updatedAt: r.updatedAt });
    }
    return pairs.flatMap(({ companyId, contactId }) => {
      const found = byId.get(contactId);
      return found ? [this.toContact(contactId, companyId, found.properties, found.updatedAt)] : [];
    });
  }

  private toContact(id: string, companyId: string, p: Record<string, string | null>, updatedAt: Date | undefined): CrmContact {
    return {
      id,
      companyId,
      name: [text(p.firstname), text(p.lastname)].filter(Boolean).join(' '),
      email: text(p.email)?.toLowerCase() ?? null,
      jobTitle: text(p.jobtitle),
      language: text(p.hs_language),
      modifiedAt: modifiedOf(p, updatedAt, 'lastmodifieddate'),
    };
  }

  /** [from id, to id] pairs through the v4 associations batch read; a record with many associations pages on by itself. */
  private async associated(from: 'companies' | 'contacts', to: 'companies' | 'contacts', ids: string[]): Promise<[string, string][]> {
    const pairs: [string, string][] = [];
    let inputs: { id: string; after?: string }[] = ids.map((id) => ({ id }));
    while (inputs.length) {
      const answer = await this.call(() => this.client.crm.associations.v4.batchApi.getPage(from, to, { inputs }));
      const more: { id: string; after: string }[] = [];
      for (const result of answer.results) {
        for (const target of result.to) pairs.push([String(result._from.id), String(target.toObjectId)]);
        if (result.paging?.next?.after) more.push({ id: String(result._from.id), after: result.paging.next.after });
      }
      inputs = more;
    }
    return pairs;
  }

  async listContacts(modifiedSince: Date, cursorText: string | null): Promise<CrmContactPage> {
    const cursor: SearchCursor = cursorText ? JSON.parse(cursorText) : { since: modifiedSince.getTime(), after: null };
    const page = await this.call(() =>
      this.client.crm.contacts.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE' as never, value: String(cursor.since) }] }],
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }] as never,
        properties: CONTACT_PROPERTIES,
        limit: PAGE_SIZE,
        after: cursor.after ?? undefined,
      }),
    );
    const companiesOf = new Map<string, string[]>();
    for (const [contactId, companyId] of await this.associated('contacts', 'companies', page.results.map((r) => r.id))) {
      companiesOf.set(contactId, [...(companiesOf.get(contactId) ?? []), companyId]);
    }
    const contacts = page.results.flatMap((r) =>
      (companiesOf.get(r.id) ?? []).map((companyId) => this.toContact(r.id, companyId, r.properties, r.updatedAt)),
    );
    const nextAfter = page.paging?.next?.after ?? null;
    let next: SearchCursor | null = null;
    if (nextAfter !== null) {
      const last = page.results.at(-1);
      next =
        Number(nextAfter) + PAGE_SIZE > SEARCH_CAP && last
          ? { since: modifiedOf(last.properties, last.updatedAt, 'lastmodifieddate').getTime(), after: null }
          : { since: cursor.since, after: nextAfter };
    }
    return { contacts, next: next ? JSON.stringify(next) : null };
  }

  writeCompanies(updates: CrmWrite[]): Promise<CrmWritten[]> {
    return this.write('companies', updates);
  }

  writeContacts(updates: CrmWrite[]): Promise<CrmWritten[]> {
    return this.write('contacts', updates);
  }

  async ensureProperties(): Promise<void> {
    for (const objectType of ['companies', 'contacts'] as const) {
      const groups = await this.call(() => this.client.crm.properties.groupsApi.getAll(objectType));
      if (!groups.results.some((g) => g.name === GROUP)) {
        await this.call(() => this.client.crm.properties.groupsApi.create(objectType, { name: GROUP, label: 'Keypulse', displayOrder: -1 }));
      }
      const existing = await this.call(() => this.client.crm.properties.coreApi.getAll(objectType));
      const names = new Set(existing.results.map((p) => p.name));
      for (const property of HUBSPOT_PROPERTIES[objectType]) {
        if (names.has(property.name)) continue;
        await this.call(() =>
          this.client.crm.properties.coreApi.create(objectType, { ...property, options: 'options' in property ? [...property.options] : undefined, groupName: GROUP } as never),
        );
      }
    }
  }

  private async write(objectType: 'companies' | 'contacts', updates: CrmWrite[]): Promise<CrmWritten[]> {
    if (!updates.length) return [];
    const api = objectType === 'companies' ? this.client.crm.companies.batchApi : this.client.crm.contacts.batchApi;
    const answer = await this.call(() => api.update({ inputs: updates.map((u) => ({ id: u.id, properties: u.properties })) }));
    return answer.results.map((r) => ({ id: r.id, modifiedAt: r.updatedAt ?? null }));
  }

  /** Owner id → email, read once per adapter (one sync run), every page. */
  private async ownerEmails(): Promise<Map<string, string>> {
    if (this.owners) return this.owners;
    const owners = new Map<string, string>();
    let after: string | undefined;
    do {
      const page = await this.call(() => this.client.crm.owners.ownersApi.getPage(undefined, after, 500, false));
      for (const owner of page.results) if (owner.email) owners.set(String(owner.id), owner.email.toLowerCase());
      after = page.paging?.next?.after;
    } while (after);
    this.owners = owners;
    return owners;
  }

  /** A 401 or 403 will not get better by retrying: the run fails with a message the admin can act on. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === 401) throw new CrmAuthError('HubSpot refused the access token (401): connect again with a valid private app token');
      if (code === 403) throw new CrmAuthError('HubSpot refused the request (403): the private app lacks a scope (see the README for the list)');
      // Never the SDK's whole message: it can echo request headers. The status is enough to act on.
      throw new Error(code ? `HubSpot answered ${code}` : `HubSpot could not be reached (${(error as Error).name})`);
    }
  }
}
