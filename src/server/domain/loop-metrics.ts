/**
 * How well the loop closes: speed to first action, speed to close, share closed on time, and whether a
 * detractor's next answer got better. Pure: the route hands in rows, this groups and measures them.
 */
export interface TaskTimes {
  assigneeId: string;
  accountId: string;
  createdAt: Date;
  firstActionAt: Date | null;
  closedAt: Date | null;
  dueAt: Date;
  status: 'open' | 'in_progress' | 'done' | 'dismissed';
}

export interface ScoreHistory {
  contactId: string;
  accountId: string;
  ownerId: string;
  /** NPS answers of one contact, oldest first. */
  scores: { score: number; at: Date }[];
}

export interface LoopMetrics {
  tasks: number;
  open: number;
  /** Median hours from creation to the first action (comment, status change, close). */
  medianHoursToFirstAction: number | null;
  /** Median hours from creation to closing, over closed tasks. */
  medianHoursToClose: number | null;
  /** Closed tasks closed by their due date, as a share of closed tasks (0–1). */
  closedOnTimeShare: number | null;
  /** Detractor answers followed by a later answer from the same person. */
  detractorsFollowedUp: number;
  /** …of which the later answer was higher (0–1). */
  detractorsImprovedShare: number | null;
}

const HOUR = 3_600_000;

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return roundHours(value);
}

const roundHours = (hours: number) => Math.round(hours * 10) / 10;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** For each detractor answer (0–6) that has a next answer: did the score go up? */
export function detractorOutcomes(history: ScoreHistory[]): { improved: boolean }[] {
  const outcomes: { improved: boolean }[] = [];
  for (const h of history) {
    for (let i = 0; i < h.scores.length - 1; i++) {
      if (h.scores[i]!.score <= 6) outcomes.push({ improved: h.scores[i + 1]!.score > h.scores[i]!.score });
    }
  }
  return outcomes;
}

export function measureLoop(taskRows: TaskTimes[], history: ScoreHistory[]): LoopMetrics {
  const closed = taskRows.filter((t) => t.closedAt && (t.status === 'done' || t.status === 'dismissed'));
  const acted = taskRows.filter((t) => t.firstActionAt);
  const outcomes = detractorOutcomes(history);
  return {
    tasks: taskRows.length,
    open: taskRows.filter((t) => t.status === 'open' || t.status === 'in_progress').length,
    medianHoursToFirstAction: median(acted.map((t) => (t.firstActionAt!.getTime() - t.createdAt.getTime()) / HOUR)),
    medianHoursToClose: median(closed.map((t) => (t.closedAt!.getTime() - t.createdAt.getTime()) / HOUR)),
    closedOnTimeShare: closed.length ? round3(closed.filter((t) => t.closedAt! <= t.dueAt).length / closed.length) : null,
    detractorsFollowedUp: outcomes.length,
    detractorsImprovedShare: outcomes.length ? round3(outcomes.filter((o) => o.improved).length / outcomes.length) : null,
  };
}

/** The same measures per group (manager, account), keyed by the group id. */
export function measureLoopBy(
  key: 'assignee' | 'account',
  taskRows: TaskTimes[],
  history: ScoreHistory[],
): Map<string, LoopMetrics> {
  const taskKey = (t: TaskTimes) => (key === 'assignee' ? t.assigneeId : t.accountId);
  const historyKey = (h: ScoreHistory) => (key === 'assignee' ? h.ownerId : h.accountId);
  const tasksBy = new Map<string, TaskTimes[]>();
  const historyBy = new Map<string, ScoreHistory[]>();
  const bucket = <T>(map: Map<string, T[]>, id: string) => map.get(id) ?? map.set(id, []).get(id)!;
  for (const t of taskRows) bucket(tasksBy, taskKey(t)).push(t);
  for (const h of history) bucket(historyBy, historyKey(h)).push(h);
  const result = new Map<string, LoopMetrics>();
  for (const id of new Set([...tasksBy.keys(), ...historyBy.keys()])) {
    result.set(id, measureLoop(tasksBy.get(id) ?? [], historyBy.get(id) ?? []));
  }
  return result;
}

/**
 * What the database counts for one group of tasks and answers, when the rows are too many to hand to measureLoop
 * (the overview: every scored answer of the portfolio). Medians are in hours, not yet rounded.
 */
export interface LoopCounts {
  tasks: number;
  open: number;
  medianHoursToFirstAction: number | null;
  medianHoursToClose: number | null;
  /** Tasks done or dismissed with a close time, and those of them closed by their due date. */
  closed: number;
  closedOnTime: number;
  detractorsFollowedUp: number;
  detractorsImproved: number;
}

/** The same metrics as measureLoop, rounded the same way, from counts made elsewhere. */
export function loopMetricsFromCounts(c: LoopCounts): LoopMetrics {
  return {
    tasks: c.tasks,
    open: c.open,
    medianHoursToFirstAction: c.medianHoursToFirstAction === null ? null : roundHours(c.medianHoursToFirstAction),
    medianHoursToClose: c.medianHoursToClose === null ? null : roundHours(c.medianHoursToClose),
    closedOnTimeShare: c.closed ? round3(c.closedOnTime / c.closed) : null,
    detractorsFollowedUp: c.detractorsFollowedUp,
    detractorsImprovedShare: c.detractorsFollowedUp ? round3(c.detractorsImproved / c.detractorsFollowedUp) : null,
  };
}
