import * as z from 'zod';
import { PageQuery } from './common.js';
import { NpsCategory } from './response.js';
import { TaskStatus } from './task.js';

/** A response on one of my accounts that arrived after I last marked answers as seen. */
export const NewResponse = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  contactId: z.uuid(),
  contactName: z.string(),
  npsScore: z.number().int().nullable(),
  category: NpsCategory.nullable(),
  /** When it was completed (or last saved, while still partial). */
  submittedAt: z.string(),
  complete: z.boolean(),
  /** The customer's own words: every text answer, in the survey's order. */
  words: z.array(z.string()),
  /** The follow-up task this response created (the most urgent one, when several), if any. */
  task: z.object({ id: z.uuid(), title: z.string(), status: TaskStatus }).nullable(),
});
export type NewResponse = z.infer<typeof NewResponse>;

export { FIRST_VISIT_DAYS } from '../my-day-window.js';

export const MyDayQuery = PageQuery.extend({
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  /** Until answers were first marked as seen: how many days back to show (default `FIRST_VISIT_DAYS`). Ignored afterwards. */
  days: z.coerce.number().int().min(1).max(366).optional(),
});

export const MyDay = z.object({
  /** When the caller last marked answers as seen; null: never. */
  seenAt: z.string().nullable(),
  /** The list starts here: `seenAt`, or on a first visit (never marked) the last 30 days (`FIRST_VISIT_DAYS`). */
  since: z.string(),
  /** The moment this list was read: send it back as `upTo` to mark exactly these answers as seen. */
  generatedAt: z.string(),
  /** Detractors first, then passives, promoters and score-less answers; newest first within each. */
  responses: z.array(NewResponse),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  detractors: z.number().int(),
});
export type MyDay = z.infer<typeof MyDay>;

export const MarkResponsesSeen = z.strictObject({
  /** Answers up to this moment count as seen (default: now). Answers that came in later stay new. */
  upTo: z.iso.datetime({ offset: true, message: 'must be a date and time (ISO 8601)' }).optional(),
});

export const ResponsesSeen = z.object({ seenAt: z.string() });
