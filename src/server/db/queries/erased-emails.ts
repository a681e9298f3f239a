import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../client.js';
import { rowsOf } from '../rows.js';
import { chunks } from '../chunks.js';
import { erasedEmails } from '../schema/index.js';

/**
 * SHA-256 (hex) of the lower-cased address. Computed by the database both when an address is suppressed and
 * when it is checked, so the two always agree on what "lower-cased" means.
 */
export function emailHash(email: SQLWrapper | string): SQL {
  return sql`encode(sha256(convert_to(lower((${email})::text), 'UTF8')), 'hex')`;
}

/** True when the address belonged to an erased contact: it is never surveyed again, in any account. */
export function isErasedAddress(email: SQLWrapper): SQL {
  return sql`exists (select 1 from ${erasedEmails} where ${erasedEmails.emailHash} = ${emailHash(email)})`;
}

/** Keeps the address out of every future campaign without keeping the address itself. Repeating it changes nothing. */
export async function suppressErasedAddress(db: Db, email: string, now: Date): Promise<void> {
  await db.execute(sql`
    insert into ${erasedEmails} (email_hash, erased_at)
    values (${emailHash(email)}, ${now.toISOString()}::timestamptz)
    on conflict do nothing`);
}

/** Which of these addresses belonged to erased contacts (compared as hashes, as everywhere): importers skip them. */
export async function erasedAmong(db: Db, emails: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const slice of chunks(emails, 1000)) {
    const values = sql.join(slice.map((e) => sql`(${e}::text)`), sql`, `);
    const rows = rowsOf<{ email: string }>(await db.execute(sql`select e.email from (values ${values}) as e(email) where ${isErasedAddress(sql`e.email`)}`));
    for (const r of rows) found.add(r.email);
  }
  return found;
}
