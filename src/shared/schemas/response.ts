import * as z from 'zod';
import { PageQuery } from './common.js';
import { Answers } from './survey.js';

export const NpsCategory = z.enum(['promoter', 'passive', 'detractor']);

export type NpsCategory = z.infer<typeof NpsCategory>;

export const SurveyResponse = z.object({
  id: z.uuid(),
  invitationId: z.uuid(),
  campaignId: z.uuid(),
  surveyId: z.uuid(),
  surveyVersionId: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  contactId: z.uuid(),
  contactName: z.string(),
  language: z.string(),
  answers: Answers,
  npsScore: z.number().int().nullable(),
  category: NpsCategory.nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
  /** Set when the answer was imported from another tool (`delighted`): a historical answer, never sent from here. */
  importedFrom: z.string().nullable(),
});
export type SurveyResponse = z.infer<typeof SurveyResponse>;

export const ResponseListQuery = PageQuery.extend({
  accountId: z.uuid().optional(),
  campaignId: z.uuid().optional(),
  surveyId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  category: NpsCategory.optional(),
});
