import { sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rowsOf } from '../rows.js';
import { accounts, users } from '../schema/index.js';

/** The groups the overview splits the portfolio's NPS by, besides the stages (which the schema lists). */

/**
 * Industries of the accounts in scope, one per spelling-insensitive name (the industry scope matches by lower case):
 * `key` is the lower-cased name, `label` one of its spellings. `active` when some account with it is not archived.
 */
export async function listIndustryGroups(db: Db, ownerId: string | null): Promise<{ key: string; label: string; active: boolean }[]> {
  const result = await db.execute(sql`
    select lower(${accounts.industry}) as key, min(${accounts.industry}) as label, bool_or(not ${accounts.archived}) as active
    from ${accounts}
    where ${accounts.industry} is not null and ${accounts.industry} <> '' ${ownerId ? sql`and ${accounts.ownerId} = ${ownerId}::uuid` : sql``}
    group by 1`);
  return rowsOf<{ key: string; label: string; active: boolean }>(result);
}

/**
 * Owners to compare: every active account manager, and anyone else who owns accounts (a disabled manager's accounts
 * still have answers). A manager's own overview has only themselves.
 */
export async function listOwnerGroups(db: Db, ownerId: string | null): Promise<{ id: string; name: string }[]> {
  const result = await db.execute(sql`
    select u.id, u.name from ${users} u
    where ((u.role = 'account_manager' and not u.disabled)
      or exists (select 1 from ${accounts} a where a.owner_id = u.id))
      ${ownerId ? sql`and u.id = ${ownerId}::uuid` : sql``}`);
  return rowsOf<{ id: string; name: string }>(result);
}
