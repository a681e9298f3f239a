import * as z from 'zod';
import { Email, PageQuery, QueryBoolean } from './common.js';

/** Where the person stands in the customer's decision process. */
export const Level = z.enum(['instigator', 'influencer', 'implementer']);
export type Level = z.infer<typeof Level>;

export const BuyingRole = z.enum([
  'decision_maker',
  'economic_buyer',
  'technical_buyer',
  'user',
  'gatekeeper',
  'champion',
]);
export type BuyingRole = z.infer<typeof BuyingRole>;

/** BCP 47 language tag such as `en`, `es`, `pt-BR`. */
export const LanguageTag = z
  .string()
  .trim()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, { message: 'must be a BCP 47 language tag such as en or pt-BR' })
  .max(35);

const ContactFields = {
  name: z.string().trim().min(1, { message: 'is required' }).max(200),
  email: Email,
  title: z.string().trim().max(200).nullable(),
  language: LanguageTag,
  level: Level,
  buyingRole: BuyingRole,
  relationshipStrength: z.number().int().min(1).max(5),
  counterpartId: z.uuid({ message: 'must be a user id (UUID)' }).nullable(),
  unsubscribed: z.boolean(),
  bounced: z.boolean(),
};

export const Contact = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  ...ContactFields,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof Contact>;

export const CreateContact = z.strictObject({
  name: ContactFields.name,
  email: ContactFields.email,
  title: ContactFields.title.optional(),
  language: LanguageTag.default('en'),
  level: Level,
  buyingRole: BuyingRole,
  relationshipStrength: ContactFields.relationshipStrength.default(3),
  counterpartId: ContactFields.counterpartId.optional(),
  unsubscribed: z.boolean().default(false),
  bounced: z.boolean().default(false),
});
export type CreateContact = z.infer<typeof CreateContact>;

export const UpdateContact = z
  .strictObject(ContactFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });
export type UpdateContact = z.infer<typeof UpdateContact>;

export const ContactListQuery = PageQuery.extend({
  q: z.string().trim().max(200).optional(),
  level: Level.optional(),
  buyingRole: BuyingRole.optional(),
  unsubscribed: QueryBoolean.optional(),
});
export type ContactListQuery = z.infer<typeof ContactListQuery>;

/** One CSV row of a contact import; column names as a spreadsheet user writes them. */
export const ContactCsvRow = z.object({
  name: ContactFields.name,
  email: ContactFields.email,
  title: z.string().trim().max(200).optional().transform((v) => (v ? v : null)),
  level: z.string().trim().toLowerCase().pipe(Level),
  role: z
    .string()
    .trim()
    .toLowerCase()
    .transform((v) => v.replace(/[\s-]+/g, '_'))
    .pipe(BuyingRole),
  language: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : 'en'))
    .pipe(LanguageTag),
});
export type ContactCsvRow = z.infer<typeof ContactCsvRow>;

export const ContactImportRowResult = z.object({
  line: z.number().int(),
  status: z.enum(['created', 'updated', 'error']),
  email: z.string().nullable(),
  contactId: z.uuid().nullable(),
  errors: z.array(z.object({ column: z.string(), message: z.string() })),
});
export type ContactImportRowResult = z.infer<typeof ContactImportRowResult>;

export const ContactImportResult = z.object({
  dryRun: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
  failed: z.number().int(),
  rows: z.array(ContactImportRowResult),
});
export type ContactImportResult = z.infer<typeof ContactImportResult>;

export const ContactImportQuery = z.object({ dryRun: QueryBoolean.default(false) });
