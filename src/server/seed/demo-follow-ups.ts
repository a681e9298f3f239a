import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import { listRules, type RuleRow } from '../db/queries/tasks.js';
import { taskComments, tasks } from '../db/schema/index.js';
import { matchRules } from '../domain/follow-up-rules.js';
import { addBusinessDays } from '../domain/business-days.js';
import type { Answers, SurveyDefinition } from '../../shared/schemas/survey.js';

/** What the demo's account teams wrote when they closed a follow-up, by the rule that raised it. */
const resolutions: Record<string, string[]> = {
  nps_detractor: [
    'Called {first}: the missed deliveries came from a carrier change. We switched back and now send a weekly delivery report.',
    'Met {first} with our service lead: a named support contact and a monthly review are agreed.',
    'Credited the wrong invoices and fixed the billing address at the root; {first} confirmed by email.',
  ],
  nps_passive: [
    'Called {first}: sent onboarding material for their new staff and booked a training session.',
    'Thanked {first} for the feedback; a faster support line is now part of their contract.',
  ],
  audit_low_marks: ['Went through every low mark with {first}; the action plan is agreed and in the account plan.'],
  audit_unresolved_issues: ['Both open issues closed with their IT team; {first} confirmed in writing.'],
  audit_supplier: ['Invited {first} to our quarterly planning; a joint review of next year’s volumes is booked.'],
};
const firstSteps = ['Called {first}; meeting booked.', 'Left a message for {first}; they called back the same day.', 'Emailed {first} to set up a call.'];
const DISMISSED = 'Handled in the quarterly business review with {first}.';

export interface HandledFollowUps {
  rules: RuleRow[];
  companyName: string;
  timeZone: string;
  random: () => number;
}

/** The follow-up rules as they are now (`matchRules` skips disabled ones), and a random stream of its own. */
export async function handledFollowUps(db: Db, settings: { companyName: string; timeZone: string }, random: () => number): Promise<HandledFollowUps> {
  return { rules: await listRules(db), ...settings, random };
}

const HOUR = 3_600_000;

/**
 * The tasks the follow-up rules raised for one of the demo's older answers, already worked and closed by the
 * account team, as `evaluateFollowUps` would have raised them when the answer came in: most closed on time,
 * some late, a few dismissed, each with a first step noted. So the loop report, the task board's closed
 * column and each account's task history show a program that has been running, not one that starts today.
 * Returns the rows (ids made here) for the caller to write with the other answers' in one statement each.
 */
export function handledTaskRows(
  context: HandledFollowUps,
  response: { id: string; accountId: string; contactId: string; answers: Answers; at: Date },
  definition: SurveyDefinition,
  people: { contactName: string; counterpartId: string | null; ownerId: string },
): { tasks: (typeof tasks.$inferInsert)[]; comments: (typeof taskComments.$inferInsert)[] } {
  const { random } = context;
  const first = people.contactName.split(' ')[0]!;
  const fill = (text: string) => text.replace(/\{first\}/g, first);
  const pick = (list: string[]) => fill(list[Math.floor(random() * list.length)]!);
  const matches = matchRules(context.rules, response.answers, definition, { contactName: people.contactName, companyName: context.companyName });
  const rows: ReturnType<typeof handledTaskRows> = { tasks: [], comments: [] };
  for (const { rule, title, description } of matches) {
    const assigneeId = rule.assignee === 'counterpart' && people.counterpartId ? people.counterpartId : people.ownerId;
    const dueAt = addBusinessDays(response.at, rule.dueInBusinessDays, context.timeZone);
    const firstActionAt = new Date(response.at.getTime() + (2 + random() * 30) * HOUR);
    const late = random() < 0.2;
    const closedAt = late
      ? new Date(dueAt.getTime() + (1 + random() * 5) * 24 * HOUR)
      : new Date(firstActionAt.getTime() + random() * Math.max(0, dueAt.getTime() - firstActionAt.getTime()));
    const dismissed = random() < 0.1;
    const id = randomUUID();
    rows.tasks.push({
      id,
      accountId: response.accountId,
      contactId: response.contactId,
      responseId: response.id,
      ruleId: rule.id,
      title,
      description,
      priority: rule.priority,
      status: dismissed ? 'dismissed' : 'done',
      assigneeId,
      dueAt,
      resolution: dismissed ? fill(DISMISSED) : pick(resolutions[rule.key ?? ''] ?? resolutions.nps_passive!),
      firstActionAt,
      closedAt,
      createdAt: response.at,
      updatedAt: closedAt,
    });
    rows.comments.push({ taskId: id, authorId: assigneeId, body: pick(firstSteps), createdAt: firstActionAt });
  }
  return rows;
}
