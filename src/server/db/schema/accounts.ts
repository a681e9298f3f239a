import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { timestamps, users } from './users.js';

export const stageEnum = pgEnum('account_stage', ['suspect', 'prospect', 'customer', 'key_account']);
export const levelEnum = pgEnum('contact_level', ['instigator', 'influencer', 'implementer']);
export const buyingRoleEnum = pgEnum('buying_role', [
  'decision_maker',
  'economic_buyer',
  'technical_buyer',
  'user',
  'gatekeeper',
  'champion',
]);

export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    industry: text('industry'),
    /** The company's web domain (`northwind.com`, lower case, no scheme): CRM sync and imports match on it. */
    domain: text('domain'),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    stage: stageEnum('stage').notNull().default('customer'),
    // Money in minor units of the installation's currency.
    annualRevenue: bigint('annual_revenue', { mode: 'number' }),
    grossProfit: bigint('gross_profit', { mode: 'number' }),
    costToServe: bigint('cost_to_serve', { mode: 'number' }),
    contractStart: date('contract_start', { mode: 'string' }),
    renewalDate: date('renewal_date', { mode: 'string' }),
    serviceNotes: text('service_notes'),
    archived: boolean('archived').notNull().default(false),
    ...timestamps,
  },
  (t) => [
    index('accounts_owner_idx').on(t.ownerId),
    index('accounts_stage_idx').on(t.stage),
    index('accounts_name_lower_idx').on(sql`lower(${t.name})`),
    index('accounts_domain_idx').on(t.domain).where(sql`${t.domain} is not null`),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    name: text('name').notNull(),
    email: text('email').notNull(),
    title: text('title'),
    language: text('language').notNull().default('en'),
    level: levelEnum('level').notNull(),
    buyingRole: buyingRoleEnum('buying_role').notNull(),
    relationshipStrength: smallint('relationship_strength').notNull().default(3),
    counterpartId: uuid('counterpart_id').references(() => users.id, { onDelete: 'set null' }),
    unsubscribed: boolean('unsubscribed').notNull().default(false),
    bounced: boolean('bounced').notNull().default(false),
    // Contacts are soft-deleted: their past answers must keep pointing at somebody.
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    /** Erased on request (GDPR art. 17): name, email, title and words are gone; scores stay as anonymous numbers. */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('contacts_account_email_idx')
      .on(t.accountId, sql`lower(${t.email})`)
      .where(sql`${t.deletedAt} is null`),
    index('contacts_account_idx').on(t.accountId),
    index('contacts_email_lower_idx').on(sql`lower(${t.email})`),
  ],
);

/** Addresses of erased contacts, as SHA-256 of the lower-cased email: never surveyed again, yet not readable. */
export const erasedEmails = pgTable('erased_emails', {
  emailHash: text('email_hash').primaryKey(),
  erasedAt: timestamp('erased_at', { withTimezone: true }).notNull(),
});
