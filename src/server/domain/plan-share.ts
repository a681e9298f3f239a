import type { JointGoal, PlanActionSide } from '../../shared/schemas/account-plan.js';

/**
 * Rules of the plan shared with the customer (issue 14, part 3), pure. What the contact may see is decided here,
 * by listing what goes out (never by removing what should not): joint goal texts and joint actions only. The
 * intelligence, SWOT, competitors, value figures, the sales goal and every description or internal note stay home.
 */

const DAY_MS = 86_400_000;

export type ShareState = 'active' | 'expired' | 'revoked';

export function shareState(share: { expiresAt: Date; revokedAt: Date | null }, now: Date): ShareState {
  if (share.revokedAt) return 'revoked';
  return share.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

export function shareExpiry(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

export interface PlanGoalsRow {
  goalValueToAdd: string | null;
  goalRelationships: string | null;
  jointGoals: JointGoal[];
}

/** The joint goals' texts, in the plan's order; a goal marked joint but left empty is not shown. */
export function jointGoalTexts(plan: PlanGoalsRow): { kind: JointGoal; text: string }[] {
  const texts: Record<JointGoal, string | null> = { value: plan.goalValueToAdd, relationships: plan.goalRelationships };
  return (['value', 'relationships'] as const)
    .filter((kind) => plan.jointGoals.includes(kind))
    .flatMap((kind) => (texts[kind]?.trim() ? [{ kind, text: texts[kind]!.trim() }] : []));
}

export interface ActionFacts {
  id: string;
  joint: boolean;
  side: PlanActionSide;
  title: string;
  status: 'open' | 'in_progress' | 'done' | 'dismissed';
  dueAt: Date;
  assigneeName: string;
  theirOwnerName: string | null;
  proposedByContactId: string | null;
}

/** A joint action as the contact sees it: title, owner, status and due date; nothing else of the task. */
export function sharedAction(a: ActionFacts) {
  const open = a.status === 'open' || a.status === 'in_progress';
  return {
    id: a.id,
    title: a.title,
    side: a.side,
    owner: a.side === 'theirs' && a.theirOwnerName ? a.theirOwnerName : a.assigneeName,
    status: a.status,
    dueDate: a.dueAt.toISOString().slice(0, 10),
    canMarkDone: a.side === 'theirs' && open,
    proposedByContact: a.proposedByContactId !== null,
  };
}

/** Only joint actions leave the house. */
export function sharedActions(actions: ActionFacts[]) {
  return actions.filter((a) => a.joint).map(sharedAction);
}

/** The contact may close only an open joint action of their own side. */
export function contactMayMarkDone(a: Pick<ActionFacts, 'joint' | 'side' | 'status'>): boolean {
  return a.joint && a.side === 'theirs' && (a.status === 'open' || a.status === 'in_progress');
}

export interface JointPlanEvidence {
  jointActions: number;
  jointGoals: number;
  /** Contacts with a share link that still works, with when they last opened it. */
  sharedWith: { name: string; lastViewedAt: Date | null }[];
  customerComments: number;
}

/** "2 joint actions shared with Ana Ruiz (last viewed 3 days ago)": the evidence for the partnership signal. */
export function describeJointPlanEvidence(e: JointPlanEvidence, now: Date): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (!e.jointActions && !e.jointGoals) return 'No joint goals or actions in the account plan yet.';
  const what = [e.jointGoals ? plural(e.jointGoals, 'joint goal') : '', e.jointActions ? plural(e.jointActions, 'joint action') : ''].filter(Boolean).join(' and ');
  if (!e.sharedWith.length) return `${what} in the plan, not shared with the customer yet.`;
  const ago = (d: Date | null) => {
    if (!d) return 'not opened yet';
    const days = Math.floor((now.getTime() - d.getTime()) / DAY_MS);
    return days <= 0 ? 'last viewed today' : `last viewed ${plural(days, 'day')} ago`;
  };
  const people = e.sharedWith.map((s) => `${s.name} (${ago(s.lastViewedAt)})`).join(', ');
  const comments = e.customerComments ? `; ${plural(e.customerComments, 'comment')} from the customer` : '';
  return `${what} shared with ${people}${comments}.`;
}
