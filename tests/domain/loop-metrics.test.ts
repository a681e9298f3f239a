import { describe, expect, it } from 'vitest';
import { detractorOutcomes, measureLoop, measureLoopBy, type TaskTimes } from '../../src/server/domain/loop-metrics.js';

const t0 = new Date('2026-03-02T09:00:00Z');
const h = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);
const task = (fields: Partial<TaskTimes>): TaskTimes => ({
  assigneeId: 'maria',
  accountId: 'northwind',
  createdAt: t0,
  firstActionAt: null,
  closedAt: null,
  dueAt: h(48),
  status: 'open',
  ...fields,
});

describe('loop metrics', () => {
  it('medians, on-time share and detractor outcomes, worked by hand', () => {
    const rows = [
      task({ firstActionAt: h(2), closedAt: h(24), status: 'done' }), // on time, 2 h to act, 24 h to close
      task({ firstActionAt: h(6), closedAt: h(72), status: 'done' }), // late, 6 h, 72 h
      task({ firstActionAt: h(1), status: 'in_progress' }), // acted after 1 h, still open
      task({}), // untouched
    ];
    const history = [
      { contactId: 'a', accountId: 'northwind', ownerId: 'maria', scores: [{ score: 3, at: h(0) }, { score: 8, at: h(900) }] }, // improved
      { contactId: 'b', accountId: 'northwind', ownerId: 'maria', scores: [{ score: 5, at: h(0) }, { score: 5, at: h(900) }] }, // not improved
      { contactId: 'c', accountId: 'northwind', ownerId: 'maria', scores: [{ score: 2, at: h(0) }] }, // no next answer: not counted
    ];
    expect(measureLoop(rows, history)).toEqual({
      tasks: 4,
      open: 2,
      medianHoursToFirstAction: 2, // 1, 2, 6 → 2
      medianHoursToClose: 48, // 24 and 72 → 48
      closedOnTimeShare: 0.5,
      detractorsFollowedUp: 2,
      detractorsImprovedShare: 0.5,
    });
  });

  it('nothing to measure gives nulls, not zeros', () => {
    expect(measureLoop([], [])).toMatchObject({ tasks: 0, medianHoursToFirstAction: null, closedOnTimeShare: null, detractorsImprovedShare: null });
  });

  it('a promoter followed by a detractor is not a detractor outcome; a detractor twice in a row counts each step', () => {
    expect(detractorOutcomes([{ contactId: 'x', accountId: 'a', ownerId: 'o', scores: [{ score: 9, at: t0 }, { score: 2, at: h(1) }, { score: 4, at: h(2) }] }])).toEqual([
      { improved: true },
    ]);
  });

  it('groups by manager and by account', () => {
    const rows = [task({ assigneeId: 'maria', accountId: 'a1' }), task({ assigneeId: 'tom', accountId: 'a2' }), task({ assigneeId: 'tom', accountId: 'a2' })];
    expect(measureLoopBy('assignee', rows, []).get('tom')!.tasks).toBe(2);
    expect(measureLoopBy('account', rows, []).get('a1')!.tasks).toBe(1);
  });
});
