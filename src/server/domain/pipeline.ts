import type { Stage } from '../../shared/schemas/account.js';

/**
 * The pipeline: suspects → prospects → customers → key accounts, now and over time. The stage an account had at
 * a moment is read from its stage history: the `to` of its last change before that moment, else the `from` of its
 * first change after it, else its current stage. An account is counted from its creation or from its first recorded
 * stage, whichever is earlier (imported or older accounts carry their history from before they were entered).
 */

export const STAGES: readonly Stage[] = ['suspect', 'prospect', 'customer', 'key_account'];

export interface PipelineAccount {
  id: string;
  stage: Stage;
  createdAt: Date;
}

export interface StageChange {
  accountId: string;
  fromStage: Stage | null;
  toStage: Stage;
  changedAt: Date;
}

export interface PipelinePeriod {
  key: string;
  start: Date;
  end: Date;
}

export type StageCounts = Record<Stage, number>;

export interface PipelineMovement {
  from: Stage | null;
  to: Stage;
  count: number;
}

export interface PipelinePeriodReport {
  period: string;
  /** Accounts per stage at the end of the period. */
  atEnd: StageCounts;
  /** Changes made in the period, by from → to. */
  movements: PipelineMovement[];
  promotions: number;
  demotions: number;
}

const emptyCounts = (): StageCounts => ({ suspect: 0, prospect: 0, customer: 0, key_account: 0 });

export function isPromotion(from: Stage | null, to: Stage): boolean {
  return from !== null && STAGES.indexOf(to) > STAGES.indexOf(from);
}

export function stageAt(account: PipelineAccount, changes: StageChange[], at: Date): Stage | null {
  const earliest = changes.reduce((min, c) => (c.changedAt < min ? c.changedAt : min), account.createdAt);
  if (earliest > at) return null;
  let last: StageChange | undefined;
  let next: StageChange | undefined;
  for (const change of changes) {
    if (change.changedAt <= at) {
      if (!last || change.changedAt >= last.changedAt) last = change;
    } else if (!next || change.changedAt < next.changedAt) {
      next = change;
    }
  }
  if (last) return last.toStage;
  if (next) return next.fromStage ?? next.toStage;
  return account.stage;
}

export function buildPipeline(
  accounts: PipelineAccount[],
  changes: StageChange[],
  periods: PipelinePeriod[],
): { now: StageCounts; periods: PipelinePeriodReport[] } {
  const now = emptyCounts();
  for (const account of accounts) now[account.stage] += 1;
  const byAccount = new Map<string, StageChange[]>();
  for (const change of changes) {
    const list = byAccount.get(change.accountId) ?? [];
    list.push(change);
    byAccount.set(change.accountId, list);
  }
  const reports = periods.map((period): PipelinePeriodReport => {
    const atEnd = emptyCounts();
    // `end` is exclusive: the stage at the last instant of the period.
    const lastInstant = new Date(period.end.getTime() - 1);
    for (const account of accounts) {
      const stage = stageAt(account, byAccount.get(account.id) ?? [], lastInstant);
      if (stage) atEnd[stage] += 1;
    }
    const moves = new Map<string, PipelineMovement>();
    let promotions = 0;
    let demotions = 0;
    for (const change of changes) {
      if (change.changedAt < period.start || change.changedAt >= period.end) continue;
      if (change.fromStage === null) continue; // an account's first stage is not a movement
      const key = `${change.fromStage}>${change.toStage}`;
      const move = moves.get(key) ?? { from: change.fromStage, to: change.toStage, count: 0 };
      move.count += 1;
      moves.set(key, move);
      if (isPromotion(change.fromStage, change.toStage)) promotions += 1;
      else if (change.fromStage !== change.toStage) demotions += 1;
    }
    const movements = [...moves.values()].sort(
      (a, b) => STAGES.indexOf(a.from!) - STAGES.indexOf(b.from!) || STAGES.indexOf(a.to) - STAGES.indexOf(b.to),
    );
    return { period: period.key, atEnd, movements, promotions, demotions };
  });
  return { now, periods: reports };
}
