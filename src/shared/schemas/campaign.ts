import * as z from 'zod';
import { PageQuery } from './common.js';
import { BuyingRole, Level } from './contact.js';

export const Repeat = z.enum(['none', 'quarterly', 'semiannual', 'annual']);
export const CampaignStatus = z.enum(['scheduled', 'sending', 'active', 'cancelled', 'closed']);
export const SkipReason = z.enum([
  'unsubscribed',
  'bounced',
  'archived_account',
  'recently_surveyed',
  'duplicate_email',
  'deleted_contact',
  'erased',
]);

export const Audience = z
  .strictObject({
    accountIds: z.array(z.uuid()).max(5000).default([]),
    contactIds: z.array(z.uuid()).max(50_000).default([]),
    levels: z.array(Level).default([]),
    buyingRoles: z.array(BuyingRole).default([]),
  })
  .refine((a) => a.accountIds.length + a.contactIds.length > 0, {
    message: 'choose at least one account or contact',
    path: ['accountIds'],
  });
export type Audience = z.infer<typeof Audience>;

export const CreateCampaign = z.strictObject({
  name: z.string().trim().min(1).max(200),
  surveyId: z.uuid(),
  audience: Audience,
  sendAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  reminder: z
    .strictObject({ afterDays: z.number().int().min(1).max(60), max: z.number().int().min(0).max(5) })
    .optional(),
  expiresAfterDays: z.number().int().min(1).max(365).default(30),
  repeat: Repeat.default('none'),
});
export type CreateCampaign = z.infer<typeof CreateCampaign>;

/** What `POST /api/campaigns/preview` takes: the audience (and send time) of a campaign about to be created. */
export const CampaignPreviewRequest = CreateCampaign.pick({ audience: true, sendAt: true });
export type CampaignPreviewRequest = z.infer<typeof CampaignPreviewRequest>;

/** A person an audience names, as the preview lists them. */
export const AudiencePerson = z.object({
  contactId: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  name: z.string(),
  email: z.string(),
  level: Level,
  buyingRole: BuyingRole,
});
export type AudiencePerson = z.infer<typeof AudiencePerson>;

/** "Surveyed recently": by which campaign, when it asked them, and until when they are not asked again. */
export const RecentSurvey = z.object({ campaignId: z.uuid(), campaignName: z.string(), askedAt: z.string(), until: z.string() });
export type RecentSurvey = z.infer<typeof RecentSurvey>;

/** Who a campaign with this audience would ask, and who it would skip and why. Nothing is written. */
export const CampaignPreview = z.object({
  eligible: z.array(AudiencePerson),
  skipped: z.array(z.object({ contact: AudiencePerson, reason: SkipReason, recentSurvey: RecentSurvey.nullable() })),
});
export type CampaignPreview = z.infer<typeof CampaignPreview>;

export const CampaignCounts = z.object({
  targeted: z.number().int(),
  skipped: z.number().int(),
  skippedByReason: z.record(z.string(), z.number().int()),
  queued: z.number().int(),
  sent: z.number().int(),
  delivered: z.number().int(),
  bounced: z.number().int(),
  complained: z.number().int(),
  failed: z.number().int(),
  responded: z.number().int(),
  completed: z.number().int(),
  responseRate: z.number().nullable(),
});
export type CampaignCounts = z.infer<typeof CampaignCounts>;

export const Campaign = z.object({
  id: z.uuid(),
  name: z.string(),
  surveyId: z.uuid(),
  surveyVersionId: z.uuid(),
  createdBy: z.uuid(),
  audience: z.object({
    accountIds: z.array(z.uuid()),
    contactIds: z.array(z.uuid()),
    levels: z.array(Level),
    buyingRoles: z.array(BuyingRole),
  }),
  status: CampaignStatus,
  sendAt: z.string(),
  reminder: z.object({ afterDays: z.number().int(), max: z.number().int() }).nullable(),
  expiresAfterDays: z.number().int(),
  repeat: Repeat,
  wave: z.number().int(),
  nextWaveAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  createdAt: z.string(),
  counts: CampaignCounts,
});
export type Campaign = z.infer<typeof Campaign>;

export const CampaignInvitation = z.object({
  id: z.uuid(),
  wave: z.number().int(),
  accountId: z.uuid(),
  contactId: z.uuid(),
  contactName: z.string(),
  accountName: z.string(),
  email: z.string(),
  status: z.enum(['skipped', 'pending', 'sent', 'cancelled']),
  skipReason: SkipReason.nullable(),
  /** For `recently_surveyed`: the campaign that had asked them, and until when (with today's frequency window). */
  recentSurvey: RecentSurvey.nullable(),
  sentAt: z.string().nullable(),
  respondedAt: z.string().nullable(),
  remindersSent: z.number().int(),
});

export const CampaignListQuery = PageQuery.extend({
  status: CampaignStatus.optional(),
  /** Only campaigns that reached this account (an invitation to one of its contacts, sent or skipped). */
  accountId: z.uuid({ message: 'must be an account id (UUID)' }).optional(),
});
export const InvitationListQuery = PageQuery.extend({
  status: z.enum(['skipped', 'pending', 'sent', 'cancelled']).optional(),
});
