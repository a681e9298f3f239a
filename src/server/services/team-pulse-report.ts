import type { Db } from '../db/client.js';
import { listAnswers, listTeams, type TeamPulseRow } from '../db/queries/team-pulses.js';
import { previousHalf } from '../domain/program-evaluation.js';
import { anonymousWords, compareMarks, pooledHalf, summarizeHalf, type MarkComparison, type PulseHalf } from '../domain/team-pulse.js';
import {
  TEAM_PULSE_MIN_ANSWERS,
  type AccountTeamPulse,
  type MarkChange,
  type ProgramTeamPulse,
  type ProgramTeamPulseAccount,
  type TeamPulseHalf,
} from '../../shared/schemas/team-pulse.js';

/**
 * What our team says, per account and for the whole program, as the API shows it: counts always, marks and words
 * only once enough colleagues answered (TEAM_PULSE_MIN_ANSWERS), never who said what.
 */

const round = (value: number | null, places = 2) => (value === null ? null : Number(value.toFixed(places)));

function shownHalf(h: PulseHalf): TeamPulseHalf {
  const figure = (s: PulseHalf['delivery']) => (h.shown ? { mean: round(s.mean), marginOfError: round(s.marginOfError) } : { mean: null, marginOfError: null });
  return {
    period: h.period,
    asked: h.asked,
    answered: h.answered,
    responseRate: round(h.responseRate, 4),
    shown: h.shown,
    counted: h.counted,
    delivery: figure(h.delivery),
    collaboration: figure(h.collaboration),
  };
}

const shownChange = (c: MarkComparison): MarkChange => ({ change: round(c.change), combinedMargin: round(c.combinedMargin), significant: c.significant, reason: c.reason });

/** One half per account: the people asked are the team now plus anyone who answered for that half. */
function halvesByAccount(accountIds: string[], period: string, answers: TeamPulseRow[], teams: Map<string, Set<string>>) {
  return new Map(
    accountIds.map((id) => {
      const mine = answers.filter((a) => a.accountId === id && a.period === period);
      const asked = new Set([...(teams.get(id) ?? []), ...mine.map((a) => a.userId)]);
      return [id, { answers: mine, asked: asked.size }] as const;
    }),
  );
}

export async function readAccountTeamPulse(db: Db, accountId: string, period: string): Promise<AccountTeamPulse> {
  const before = previousHalf(period);
  const [answers, teams] = await Promise.all([listAnswers(db, [accountId], [period, before]), listTeams(db, [accountId])]);
  const now = halvesByAccount([accountId], period, answers, teams).get(accountId)!;
  const then = halvesByAccount([accountId], before, answers, teams).get(accountId)!;
  const current = summarizeHalf(period, now.answers, now.asked);
  const previous = summarizeHalf(before, then.answers, then.asked);
  return {
    accountId,
    minimumAnswers: TEAM_PULSE_MIN_ANSWERS,
    current: shownHalf(current),
    previous: shownHalf(previous),
    deliveryChange: shownChange(compareMarks(previous.delivery, current.delivery)),
    collaborationChange: shownChange(compareMarks(previous.collaboration, current.collaboration)),
    friction: current.shown ? anonymousWords(now.answers.map((a) => a.friction)) : [],
    doDifferently: current.shown ? anonymousWords(now.answers.map((a) => a.doDifferently)) : [],
  };
}

export interface CustomerSide {
  accountId: string;
  accountName: string;
  customerNps: ProgramTeamPulseAccount['customerNps'];
  customerAudit: ProgramTeamPulseAccount['customerAudit'];
}

/**
 * "What our employees say" for the program evaluation: every key account's answers together (each person's answer
 * for each account counts once), against the half before, and per account beside the customer's own figures.
 */
export async function readProgramTeamPulse(db: Db, keyAccounts: CustomerSide[], period: string): Promise<ProgramTeamPulse> {
  const before = previousHalf(period);
  const ids = keyAccounts.map((a) => a.accountId);
  const [answers, teams] = await Promise.all([listAnswers(db, ids, [period, before]), listTeams(db, ids)]);
  const now = halvesByAccount(ids, period, answers, teams);
  const then = halvesByAccount(ids, before, answers, teams);
  const current = pooledHalf(period, [...now.values()]);
  const previous = pooledHalf(before, [...then.values()]);
  return {
    minimumAnswers: TEAM_PULSE_MIN_ANSWERS,
    current: shownHalf(current),
    previous: shownHalf(previous),
    deliveryChange: shownChange(compareMarks(previous.delivery, current.delivery)),
    collaborationChange: shownChange(compareMarks(previous.collaboration, current.collaboration)),
    accounts: keyAccounts.map((a) => {
      const h = now.get(a.accountId)!;
      return { ...a, team: shownHalf(summarizeHalf(period, h.answers, h.asked)) };
    }),
  };
}
