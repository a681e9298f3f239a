import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { accountTeamMembers, accounts, teamPulseAnswers, users } from '../schema/index.js';

/**
 * The internal team pulse: who is on a key account's team (its owner and the account-team members, active users
 * only), and their answers per half. An account is asked about while it is a key account and not archived.
 */

export type TeamPulseRow = typeof teamPulseAnswers.$inferSelect;

const isAskedAbout = and(eq(accounts.stage, 'key_account'), eq(accounts.archived, false));

/** The key accounts whose team `userId` is on, with their place on it ('Account owner' wins over a team role). */
export async function listMyTeamAccounts(db: Db, userId: string): Promise<{ accountId: string; accountName: string; teamRole: string }[]> {
  const owned = await db
    .select({ accountId: accounts.id, accountName: accounts.name })
    .from(accounts)
    .where(and(isAskedAbout, eq(accounts.ownerId, userId)));
  const member = await db
    .select({ accountId: accounts.id, accountName: accounts.name, teamRole: accountTeamMembers.teamRole })
    .from(accountTeamMembers)
    .innerJoin(accounts, eq(accounts.id, accountTeamMembers.accountId))
    .where(and(isAskedAbout, eq(accountTeamMembers.userId, userId)));
  const byId = new Map<string, { accountId: string; accountName: string; teamRole: string }>();
  for (const m of member) byId.set(m.accountId, m);
  for (const o of owned) byId.set(o.accountId, { ...o, teamRole: 'Account owner' });
  return [...byId.values()];
}

/** The account, when it is a key account asked about and `userId` is on its team; undefined otherwise. */
export async function findTeamAccount(db: Db, accountId: string, userId: string) {
  const [row] = await db
    .select({ id: accounts.id, name: accounts.name, ownerId: accounts.ownerId })
    .from(accounts)
    .leftJoin(accountTeamMembers, and(eq(accountTeamMembers.accountId, accounts.id), eq(accountTeamMembers.userId, userId)))
    .where(and(eq(accounts.id, accountId), isAskedAbout, or(eq(accounts.ownerId, userId), eq(accountTeamMembers.userId, userId))))
    .limit(1);
  return row;
}

export async function listAnswersOf(db: Db, userId: string, period: string, accountIds: string[]): Promise<TeamPulseRow[]> {
  if (!accountIds.length) return [];
  return db
    .select()
    .from(teamPulseAnswers)
    .where(and(eq(teamPulseAnswers.userId, userId), eq(teamPulseAnswers.period, period), inArray(teamPulseAnswers.accountId, accountIds)));
}

export interface PulseValues {
  accountId: string;
  userId: string;
  period: string;
  deliveryMark: number;
  collaborationMark: number;
  friction: string | null;
  doDifferently: string | null;
}

/** One answer per person, account and half: answering again revises it (one row stays). */
export async function upsertAnswer(db: Db, values: PulseValues, now: Date): Promise<TeamPulseRow> {
  const [row] = await db
    .insert(teamPulseAnswers)
    .values({ ...values, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [teamPulseAnswers.accountId, teamPulseAnswers.userId, teamPulseAnswers.period],
      set: {
        deliveryMark: values.deliveryMark,
        collaborationMark: values.collaborationMark,
        friction: values.friction,
        doDifferently: values.doDifferently,
        updatedAt: now,
      },
    })
    .returning();
  return row!;
}

/** Every answer for these accounts in these halves. */
export async function listAnswers(db: Db, accountIds: string[], periods: string[]): Promise<TeamPulseRow[]> {
  if (!accountIds.length || !periods.length) return [];
  return db
    .select()
    .from(teamPulseAnswers)
    .where(and(inArray(teamPulseAnswers.accountId, accountIds), inArray(teamPulseAnswers.period, periods)))
    .orderBy(asc(teamPulseAnswers.accountId), asc(teamPulseAnswers.id));
}

/** The people on each account's team now: owner and members, active users only. */
export async function listTeams(db: Db, accountIds: string[]): Promise<Map<string, Set<string>>> {
  const teams = new Map<string, Set<string>>(accountIds.map((id) => [id, new Set<string>()]));
  if (!accountIds.length) return teams;
  const owners = await db
    .select({ accountId: accounts.id, userId: accounts.ownerId })
    .from(accounts)
    .innerJoin(users, eq(users.id, accounts.ownerId))
    .where(and(inArray(accounts.id, accountIds), eq(users.disabled, false)));
  const members = await db
    .select({ accountId: accountTeamMembers.accountId, userId: accountTeamMembers.userId })
    .from(accountTeamMembers)
    .innerJoin(users, eq(users.id, accountTeamMembers.userId))
    .where(and(inArray(accountTeamMembers.accountId, accountIds), eq(users.disabled, false)));
  for (const r of [...owners, ...members]) teams.get(r.accountId)?.add(r.userId);
  return teams;
}
