import type { UpdateAccountPlan } from '../../shared/schemas/account-plan.js';

/**
 * Account plan rules, pure: which columns a partial update touches, what really changed (for the plan history),
 * the one-line summary people read, and the share of actions done.
 */

export type PlanUpdateSection = 'profile' | 'intelligence' | 'intentions';

/** API field → plan column, per section (the intentions are stored as goal columns). */
export const planColumns = {
  profile: { strategicInitiatives: 'strategicInitiatives', contractTerms: 'contractTerms' },
  intelligence: {
    strengths: 'strengths',
    weaknesses: 'weaknesses',
    opportunities: 'opportunities',
    threats: 'threats',
    competitors: 'competitors',
    ourShareOfSpend: 'ourShareOfSpend',
  },
  intentions: { year: 'goalsYear', salesExpected: 'goalSalesExpected', valueToAdd: 'goalValueToAdd', relationships: 'goalRelationships', jointGoals: 'jointGoals' },
} as const;

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

export interface SectionChange {
  section: PlanUpdateSection;
  /** By API field name. */
  changes: FieldChanges;
  /** By plan column, ready for the update. */
  columns: Record<string, unknown>;
  summary: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const labels: Record<string, string> = {
  strategicInitiatives: 'strategic initiatives',
  contractTerms: 'contract terms',
  strengths: 'strengths',
  weaknesses: 'weaknesses',
  opportunities: 'opportunities',
  threats: 'threats',
  competitors: 'competitors',
  ourShareOfSpend: 'our share of spend',
  year: 'goal year',
  salesExpected: 'sales expected',
  valueToAdd: 'value to add',
  relationships: 'relationships to build',
  jointGoals: 'joint goals',
};

/**
 * The changes an update makes to the current plan (a plan not yet written counts as all empty), one entry per
 * section that really changes; fields sent with their current value are not changes.
 */
export function diffPlanUpdate(current: Record<string, unknown>, update: UpdateAccountPlan): SectionChange[] {
  const result: SectionChange[] = [];
  for (const section of ['profile', 'intelligence', 'intentions'] as const) {
    const fields = update[section] as Record<string, unknown> | undefined;
    if (!fields) continue;
    const map = planColumns[section] as Record<string, string>;
    const changes: FieldChanges = {};
    const columns: Record<string, unknown> = {};
    for (const [field, to] of Object.entries(fields)) {
      if (to === undefined) continue;
      const column = map[field]!;
      // A plan not written yet has empty lists, not missing ones.
      const from = current[column] ?? (Array.isArray(to) ? [] : null);
      if (same(from, to)) continue;
      changes[field] = { from, to };
      columns[column] = to;
    }
    const names = Object.keys(changes);
    if (!names.length) continue;
    const title = section[0]!.toUpperCase() + section.slice(1);
    result.push({ section, changes, columns, summary: `${title}: changed ${names.map((n) => labels[n] ?? n).join(', ')}` });
  }
  return result;
}

/** Done ÷ actions not dismissed (a dismissed action was dropped, not failed); null when there are none. */
export function shareDone(statuses: string[]): { total: number; done: number; doneShare: number | null } {
  const done = statuses.filter((s) => s === 'done').length;
  const counted = statuses.filter((s) => s !== 'dismissed').length;
  return { total: statuses.length, done, doneShare: counted ? Math.round((done / counted) * 1000) / 1000 : null };
}
