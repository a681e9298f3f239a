import * as z from 'zod';
import { IsoDate, Money, PageQuery, QueryBoolean } from './common.js';

/** Risk as the Monday Morning Report colours it. */
export const RiskLevel = z.enum(['green', 'amber', 'red']);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const Stage = z.enum(['suspect', 'prospect', 'customer', 'key_account']);
export type Stage = z.infer<typeof Stage>;

/**
 * The company's web domain as CRM sync and imports match on it: lower case, without scheme, `www.`, path or port
 * (`https://www.Northwind.com/about` → `northwind.com`).
 */
export const AccountDomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => v.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^www\./, '').replace(/[/?#:].*$/, '').replace(/\.$/, ''))
  .pipe(
    z
      .string()
      .max(253)
      .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/, { message: 'must be a web domain such as northwind.com' }),
  );

const AccountFields = {
  name: z.string().trim().min(1, { message: 'is required' }).max(200),
  industry: z.string().trim().max(100).nullable(),
  domain: AccountDomain.nullable(),
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
  domain: AccountFields.domain.optional(),
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
  /** By the latest NPS (accounts without one last either way). */
  'nps',
  '-nps',
]);
export type AccountSort = z.infer<typeof AccountSort>;

export const AccountListQuery = PageQuery.extend({
  q: z.string().trim().max(200).optional(),
  ownerId: z.uuid({ message: 'must be a user id (UUID)' }).optional(),
  stage: Stage.optional(),
  industry: z.string().trim().max(100).optional(),
  includeArchived: QueryBoolean.default(false),
  sort: AccountSort.default('name'),
  /** Only accounts at these risk levels, comma-separated (`red,amber`); accounts the risk report skips drop out. */
  risk: z
    .string()
    .trim()
    .transform((text, ctx) => {
      const levels = [...new Set(text.split(',').map((v) => v.trim()).filter(Boolean))];
      const bad = levels.filter((v) => !RiskLevel.safeParse(v).success);
      if (!levels.length || bad.length) {
        ctx.addIssue({ code: 'custom', message: 'must be green, amber or red, comma-separated' });
        return z.NEVER;
      }
      return levels as RiskLevel[];
    })
    .optional(),
  /** `health` adds each account's latest NPS and risk (implied by `sort=nps` and `risk=`). */
  include: z.enum(['health'], { message: 'must be health' }).optional(),
});
export type AccountListQuery = z.infer<typeof AccountListQuery>;

/**
 * An account's health as the Monday Morning Report sees it (services/account-risk.ts): the NPS of its latest
 * quarter with answers in the last year, and its risk level with the reasons. Suspects, prospects and archived
 * accounts are not scored (`risk` null).
 */
export const AccountHealth = z.object({
  nps: z.number().nullable(),
  npsMargin: z.number().nullable(),
  /** The quarter of that NPS, e.g. '2026-Q3'. */
  npsPeriod: z.string().nullable(),
  /** Answers with a score behind `nps` (0 without one). */
  npsResponses: z.number().int(),
  /** Invitations sent to the account in that quarter (the contact list asked); null when not known. */
  npsAsked: z.number().int().nullable(),
  /** Everyone asked answered: the NPS is exact for the quarter (show "all N contacts answered", not "±0.0"). */
  npsEveryoneAnswered: z.boolean(),
  risk: RiskLevel.nullable(),
  riskScore: z.number().nullable(),
  /** Most serious first. */
  riskReasons: z.array(z.object({ code: z.string(), text: z.string() })),
});
export type AccountHealth = z.infer<typeof AccountHealth>;

/** A row of GET /api/accounts: the account, its owner's name, and its health when asked for. */
export const AccountListItem = Account.extend({
  owner: z.object({ id: z.uuid(), name: z.string() }),
  health: AccountHealth.optional(),
});
export type AccountListItem = z.infer<typeof AccountListItem>;
