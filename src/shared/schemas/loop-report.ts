import * as z from 'zod';
import { IsoDate } from './common.js';

export const LoopReportQuery = z.object({
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type LoopReportQuery = z.infer<typeof LoopReportQuery>;

/** How well the loop closes for a group of tasks and answers (see server/domain/loop-metrics.ts). */
export const LoopMetrics = z.object({
  tasks: z.number(),
  open: z.number(),
  medianHoursToFirstAction: z.number().nullable(),
  medianHoursToClose: z.number().nullable(),
  closedOnTimeShare: z.number().nullable(),
  detractorsFollowedUp: z.number(),
  detractorsImprovedShare: z.number().nullable(),
});
export type LoopMetrics = z.infer<typeof LoopMetrics>;

export const LoopManager = LoopMetrics.extend({ userId: z.uuid(), name: z.string() });
export type LoopManager = z.infer<typeof LoopManager>;

export const LoopReport = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  portfolio: LoopMetrics,
  managers: z.array(LoopManager),
  accounts: z.array(LoopMetrics.extend({ accountId: z.uuid(), name: z.string() })),
});
export type LoopReport = z.infer<typeof LoopReport>;
