import type { AppDeps } from '../http/context.js';
import { listRiskAccounts, loadRiskFacts, type RiskAccountRow, type RiskScope, type TouchedContact } from '../db/queries/account-risk.js';
import { wallClockIn } from '../domain/business-days.js';
import { daysBetween } from '../domain/touchpoints.js';
import { estimateNpsLevel, summarizeNps } from '../domain/nps-stats.js';
import { periodBounds, periodRange } from '../domain/periods.js';
import { compareRisk, scoreAccountRisk, type AccountRiskInput } from '../domain/risk.js';
import type { Stage } from '../../shared/schemas/account.js';
import type { RiskReport as RiskReportJson } from '../../shared/schemas/risk-report.js';

/**
 * The Monday Morning Report's content: every key account, then every other customer, with its risk level and the
 * reasons in words, most at risk first. Built from a handful of set-based queries (db/queries/account-risk.ts),
 * scored by the pure rules in domain/risk.ts.
 */

/** Quarters of answers read: the latest quarter with answers and the one with answers before it must fall in here. */
const WINDOW_QUARTERS = 8;
/** The latest NPS must be from the last year (this quarter and the three before): an older one is history, not news. */
const LATEST_WITHIN_QUARTERS = 4;
/** A wave sent less than this long ago that has no answer yet is not "silence": people have not had time to answer. */
export const SILENCE_GRACE_DAYS = 7;

const DAY = 86_400_000;

/** One account in the report; the shape the API returns (src/shared/schemas/risk-report.ts). */
export type RiskReportAccount = RiskReportJson['accounts'][number];

export interface RiskReport {
  generatedAt: Date;
  accounts: RiskReportAccount[];
}

/** As the NPS trend rounds its figures (services/nps-report.ts), so every page shows the same margin. */
const round = (n: number | null) => (n === null ? null : Number(n.toFixed(2)));

/** The quarters the report reads, oldest first: this quarter and the seven before, in the company's time zone. */
export function reportQuarters(now: Date, timeZone: string): string[] {
  // 92 days a quarter at most: this reaches at least WINDOW_QUARTERS quarters back; keep the last ones.
  return periodRange(new Date(now.getTime() - WINDOW_QUARTERS * 92 * DAY), now, 'quarter', timeZone).slice(-WINDOW_QUARTERS);
}

/** One account of the scope with its latest NPS (quarter, answers) and its risk assessment. */
export interface AssessedAccount {
  account: RiskAccountRow;
  /**
   * The latest quarter's NPS with its margin computed exactly as the account's NPS trend computes it for that
   * quarter (finite-population corrected with N = the quarter's invitations: domain askedPopulation).
   */
  latest: { nps: number; margin: number | null; period: string; responses: number; asked: number | null; everyoneAnswered: boolean } | null;
  risk: ReturnType<typeof scoreAccountRisk>;
}

/**
 * Scores every account of the scope (key accounts and other customers, not archived) the way the Monday Morning
 * Report does: a fixed handful of set-based queries, then the pure rules. The accounts list reuses it for its NPS
 * and risk columns (`scope.accountIds`: a page of accounts, or every account matching the list's filters).
 */
export async function assessAccounts(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>, scope: RiskScope): Promise<AssessedAccount[]> {
  const { db, config } = deps;
  if (scope.accountIds && scope.accountIds.length === 0) return [];
  const now = deps.clock.now();
  const quarters = reportQuarters(now, config.timeZone);
  const quarterBounds = [...quarters.map((q) => periodBounds(q, config.timeZone).start), periodBounds(quarters.at(-1)!, config.timeZone).end];
  const [accounts, facts] = await Promise.all([
    listRiskAccounts(db, scope),
    loadRiskFacts(db, scope, { now, quarterBounds, latestWithinQuarters: LATEST_WITHIN_QUARTERS }),
  ]);
  return accounts.map((account) => {
    const { input, latest } = riskInput(account, facts, quarters, now, config.timeZone);
    return { account, latest, risk: scoreAccountRisk(input) };
  });
}

export async function buildRiskReport(deps: Pick<AppDeps, 'db' | 'clock' | 'config'>, scope: RiskScope): Promise<RiskReport> {
  const { config } = deps;
  const now = deps.clock.now();
  const rows = await assessAccounts(deps, scope);
  // Key accounts first, then other customers; within each, red before amber before green, the higher score first.
  const stageRank = (stage: Stage) => (stage === 'key_account' ? 0 : 1);
  rows.sort(
    (a, b) =>
      stageRank(a.account.stage) - stageRank(b.account.stage) ||
      compareRisk(a.risk, b.risk) ||
      a.account.name.localeCompare(b.account.name, 'en') ||
      a.account.id.localeCompare(b.account.id),
  );
  return {
    generatedAt: now,
    accounts: rows.map(({ account, latest, risk }) => ({
      accountId: account.id,
      name: account.name,
      owner: { id: account.owner.id, name: account.owner.name },
      stage: account.stage,
      level: risk.level,
      score: risk.score,
      reasons: risk.reasons,
      nps: round(latest?.nps ?? null),
      npsMargin: round(latest?.margin ?? null),
      npsPeriod: latest?.period ?? null,
      npsResponses: latest?.responses ?? 0,
      npsAsked: latest?.asked ?? null,
      npsEveryoneAnswered: latest?.everyoneAnswered ?? false,
      renewalDate: account.renewalDate,
      link: `${config.publicUrl}/api/accounts/${account.id}`,
    })),
  };
}

type Facts = Awaited<ReturnType<typeof loadRiskFacts>>;

function riskInput(account: RiskAccountRow, facts: Facts, quarters: string[], now: Date, timeZone: string) {
  const nps = facts.nps.get(account.id);
  const latest = nps ? estimateNpsLevel(nps.latest.counts, { invited: nps.latest.invited }) : null;
  const previous = nps?.previous ? summarizeNps(nps.previous.counts) : null;

  const wave = facts.lastWave.get(account.id);
  const tooEarly = wave && wave.responses === 0 && now.getTime() - wave.sentAt.getTime() < SILENCE_GRACE_DAYS * DAY;

  const input: AccountRiskInput = {
    stage: account.stage,
    now,
    timeZone,
    renewalDate: account.renewalDate,
    latestNps: latest ? { ...latest, nps: latest.nps!, margin: latest.marginOfError } : null,
    previousNps: previous ? { ...previous, nps: previous.nps! } : null,
    tasks: facts.tasks.get(account.id) ?? { open: 0, overdue: 0, overdueHighPriority: 0 },
    lastWave: wave && !tooEarly ? { invited: wave.invited, responses: wave.responses } : null,
    contacts: facts.contacts.get(account.id) ?? { instigator: 0, influencer: 0, implementer: 0 },
    latestAudit: facts.latestAudit.get(account.id) ?? null,
    touches: touchesOf(facts.touches.get(account.id), now, timeZone),
  };
  return {
    input,
    latest: latest
      ? {
          nps: latest.nps!,
          margin: latest.marginOfError,
          period: quarters[nps!.latest.quarter]!,
          responses: latest.responses,
          asked: latest.asked,
          everyoneAnswered: latest.everyoneAnswered,
        }
      : null,
  };
}

/** Each touched account's contacts with days since their last touch, counted in the company's calendar. */
function touchesOf(list: TouchedContact[] | undefined, now: Date, timeZone: string): AccountRiskInput['touches'] {
  if (!list) return null;
  const w = wallClockIn(now, timeZone);
  const today = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  return {
    contacts: list.map((c) => ({
      name: c.name,
      level: c.level,
      decisionMaker: c.decisionMaker,
      daysSinceTouch: c.lastTouchOn ? daysBetween(c.lastTouchOn, today) : null,
      answeredLastTwoWaves: c.answeredLastTwoWaves,
    })),
  };
}
