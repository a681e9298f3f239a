import { z } from 'zod';
import { IsoDate, Money, PageQuery, QueryBoolean } from './common.js';

export const Stage = z.enum(['suspect', 'prospect', 'customer', 'key_account']);
export type Stage = z.infer<typeof Stage>;

const AccountFields = {
  name: z.string().trim().min(1, { message: 'is required' }).max(200),
  industry: z.string().trim().max(100).nullable(),
  ownerId: z.uuid({ message: 'must be a user id (UUID)' }),
  stage: Stage,
  annualRevenue: Money.nullable(),
  grossProfit: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).nullable(),
  costToServe: Money.nullable(),
  contractStart: IsoDate.nullable(),
  renewalDate: IsoDate.nullable(),
  serviceNotes: z.string().max(10_000).nullable(),
  archived: z.boolean(),
};

export const Account = z.object({
  id: z.uuid(),
  ...AccountFields,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Account = z.infer<typeof Account>;

export const CreateAccount = z.strictObject({
  name: AccountFields.name,
  industry: AccountFields.industry.optional(),
  /** Defaults to the caller when they are an account manager. */
  ownerId: AccountFields.ownerId.optional(),
  stage: Stage.default('customer'),
  annualRevenue: AccountFields.annualRevenue.optional(),
  grossProfit: AccountFields.grossProfit.optional(),
  costToServe: AccountFields.costToServe.optional(),
  contractStart: AccountFields.contractStart.optional(),
  renewalDate: AccountFields.renewalDate.optional(),
  serviceNotes: AccountFields.serviceNotes.optional(),
});
export type CreateAccount = z.infer<typeof CreateAccount>;

export const UpdateAccount = z
  .strictObject(AccountFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });
export type UpdateAccount = z.infer<typeof UpdateAccount>;

export const AccountSort = z.enum([
  'name',
  '-name',
  'renewalDate',
  '-renewalDate',
  'annualRevenue',
  '-annualRevenue',
  'createdAt',
  '-createdAt',
]);
export type AccountSort = z.infer<typeof AccountSort>;

export const AccountListQuery = PageQuery.extend({
  q: z.string().trim().max(200).optional(),
  ownerId: z.uuid({ message: 'must be a user id (UUID)' }).optional(),
  stage: Stage.optional(),
  industry: z.string().trim().max(100).optional(),
  includeArchived: QueryBoolean.default(false),
  sort: AccountSort.default('name'),
});
export type AccountListQuery = z.infer<typeof AccountListQuery>;
