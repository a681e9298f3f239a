import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Clock } from '../http/context.js';
import { accountTeamMembers, accounts, teamPulseAnswers, users } from '../db/schema/index.js';
import { periodKey } from '../domain/periods.js';
import { previousHalf } from '../domain/program-evaluation.js';

/**
 * One internal team pulse for the demo (issue 14, part 4). Atlas Health Group's team — Tom (owner), Erin (executive
 * sponsor), María (service lead) and Priya (finance partner) — answered this half and three of them the half
 * before, so its account page and the program evaluation show marks, margins and words. Meridian Telecom's team is
 * Priya, Erin and Tom: two answered and Tom has not (his My day asks him), so it shows "2 of 3 answered" and no
 * marks until he does.
 * María answered for Iberia Foods; Northwind Logistics waits for her on My day.
 * Idempotent: team places and answers that exist are left as they are. Returns the answers written.
 */

type Answer = [who: string, delivery: number, collaboration: number, friction: string | null, doDifferently: string | null];

const EMAILS = { tom: 'tom.manager@keypulse.demo', maria: 'maria.manager@keypulse.demo', priya: 'priya.manager@keypulse.demo', erin: 'erin.exec@keypulse.demo' } as const;

const teams: Record<string, [who: keyof typeof EMAILS, role: string][]> = {
  'Atlas Health Group': [
    ['erin', 'Executive sponsor'],
    ['maria', 'Service lead'],
    ['priya', 'Finance partner'],
  ],
  'Meridian Telecom': [
    ['erin', 'Executive sponsor'],
    ['tom', 'Delivery lead'],
  ],
};

const thisHalf: Record<string, Answer[]> = {
  'Atlas Health Group': [
    ['tom', 7, 5, 'Sales promises delivery dates before operations has checked capacity.', 'Bring operations into the renewal talks from the start.'],
    ['erin', 8, 6, null, 'A steering meeting with their COO each quarter, not only with their buyers.'],
    ['maria', 6, 4, 'Support and billing each chase them separately about the same invoices.', null],
    ['priya', 7, 5, 'A credit note takes three departments and two weeks.', 'One owner for every open issue, named at the QBR.'],
  ],
  'Meridian Telecom': [
    ['priya', 8, 7, null, 'Share the network roadmap with their operations team earlier.'],
    ['erin', 9, 6, 'Legal and delivery review their change requests one after the other.', null],
  ],
  'Iberia Foods': [['maria', 7, 6, null, null]],
};

const halfBefore: Record<string, Answer[]> = {
  'Atlas Health Group': [
    ['tom', 6, 4, 'Operations hears about their new sites last.', null],
    ['erin', 7, 5, null, null],
    ['maria', 6, 5, null, 'Fewer hand-offs between support and billing.'],
  ],
};

export async function seedDemoTeamPulse(db: Db, clock: Clock, timeZone: string): Promise<number> {
  const now = clock.now();
  const period = periodKey(now, 'half_year', timeZone);
  const names = [...new Set([...Object.keys(teams), ...Object.keys(thisHalf), ...Object.keys(halfBefore)])];
  const found = await db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(inArray(accounts.name, names));
  const people = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.email, Object.values(EMAILS)));
  const accountId = new Map(found.map((a) => [a.name, a.id]));
  const userId = (who: keyof typeof EMAILS) => people.find((p) => p.email === EMAILS[who])?.id;
  if (!found.length || people.length < Object.keys(EMAILS).length) return 0;

  const members = Object.entries(teams).flatMap(([name, list]) =>
    accountId.has(name) ? list.map(([who, teamRole]) => ({ accountId: accountId.get(name)!, userId: userId(who)!, teamRole, createdAt: now })) : [],
  );
  if (members.length) await db.insert(accountTeamMembers).values(members).onConflictDoNothing();

  const rows = (answers: Record<string, Answer[]>, half: string, at: Date) =>
    Object.entries(answers).flatMap(([name, list]) =>
      accountId.has(name)
        ? list.map(([who, deliveryMark, collaborationMark, friction, doDifferently]) => ({
            accountId: accountId.get(name)!,
            userId: userId(who as keyof typeof EMAILS)!,
            period: half,
            deliveryMark,
            collaborationMark,
            friction,
            doDifferently,
            createdAt: at,
            updatedAt: at,
          }))
        : [],
    );
  const earlier = new Date(now.getTime() - 183 * 86_400_000);
  const values = [...rows(thisHalf, period, now), ...rows(halfBefore, previousHalf(period), earlier)];
  const written = await db.insert(teamPulseAnswers).values(values).onConflictDoNothing().returning({ id: teamPulseAnswers.id });
  return written.length;
}
