import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Clock } from '../http/context.js';
import { accounts, contacts, touchpoints } from '../db/schema/index.js';
import { findUserByEmail } from '../db/queries/users.js';
import { demoAccounts } from './demo-data.js';
import type { TouchpointKind } from '../../shared/schemas/touchpoint.js';

const DAY = 86_400_000;
const EXEC_EMAIL = 'erin.exec@keypulse.demo';

/** How long ago each contact of a key account was last met, by their place on the map: a few go stale. */
function cadence(firstInstigator: boolean, decisionMaker: boolean, index: number): number[] {
  // Decision makers and the first instigator are kept warm, so the demo's risk colours stay as they were.
  if (decisionMaker || firstInstigator) return [12, 55, 120, 200, 300];
  if (index % 3 === 1) return [110, 230, 340]; // cooling: amber
  if (index % 3 === 2) return [215, 330]; // stale: red
  return [30, 150, 280];
}

const kinds: TouchpointKind[] = ['meeting', 'call', 'visit', 'qbr', 'email_thread'];

/**
 * When each key account's yearly social event took place (days ago; default 160). The program evaluation counts
 * the social events of the last twelve months: Meridian's was longer ago, and price-sensitive Brightline (nobody
 * mapped at the instigator level, so no executive-level touch either) has not had one.
 */
const socialEventDaysAgo: Record<string, number | null> = { 'Brightline Retail': null, 'Meridian Telecom': 400 };
const notes: Partial<Record<TouchpointKind, string>> = {
  qbr: 'Quarterly business review: delivery figures, open issues, next quarter.',
  visit: 'Site visit: walked the receiving dock with their team.',
  meeting: 'Catch-up on the roadmap and the renewal.',
};

/**
 * Touchpoints over the last year for the demo's key accounts: meetings, calls, visits, QBRs and the yearly social
 * event (not everywhere), with the owner (and the executive sponsor at QBRs) present — some contacts recently, some
 * going stale.
 * Idempotent: an account that already has touchpoints is left alone. One insert for all.
 */
export async function seedDemoTouchpoints(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  const exec = await findUserByEmail(db, EXEC_EMAIL);
  const names = demoAccounts.filter((a) => a.stage === 'key_account').map((a) => a.name);
  const keyAccounts = await db.select({ id: accounts.id, name: accounts.name, ownerId: accounts.ownerId }).from(accounts).where(inArray(accounts.name, names));
  if (!keyAccounts.length) return 0;
  const already = new Set(
    (await db.selectDistinct({ accountId: touchpoints.accountId }).from(touchpoints).where(inArray(touchpoints.accountId, keyAccounts.map((a) => a.id)))).map((r) => r.accountId),
  );
  const day = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY).toISOString().slice(0, 10);
  const rows: (typeof touchpoints.$inferInsert)[] = [];
  for (const account of keyAccounts.filter((a) => !already.has(a.id))) {
    const people = await db
      .select({ id: contacts.id, level: contacts.level, buyingRole: contacts.buyingRole })
      .from(contacts)
      .where(and(eq(contacts.accountId, account.id), isNull(contacts.deletedAt)))
      .orderBy(asc(contacts.createdAt), asc(contacts.id));
    const firstInstigator = people.find((p) => p.level === 'instigator')?.id;
    people.forEach((p, i) => {
      cadence(p.id === firstInstigator, p.buyingRole === 'decision_maker', i).forEach((ago, j) => {
        const kind = kinds[(i + j) % kinds.length]!;
        const withExec = kind === 'qbr' && exec && p.level === 'instigator';
        rows.push({
          accountId: account.id,
          occurredOn: day(ago),
          kind,
          notes: notes[kind] ?? null,
          contactIds: [p.id],
          userIds: withExec ? [account.ownerId, exec.id] : [account.ownerId],
          createdBy: account.ownerId,
          createdAt: now,
          updatedAt: now,
        });
      });
    });
    // The yearly social event, with the people who set the direction.
    const byLevel = (level: string) => people.filter((p) => p.level === level).map((p) => p.id);
    const leaders = [byLevel('instigator'), byLevel('influencer'), people.map((p) => p.id)].find((l) => l.length) ?? [];
    const socialAgo = account.name in socialEventDaysAgo ? socialEventDaysAgo[account.name] : 160;
    if (leaders.length && socialAgo != null) {
      rows.push({ accountId: account.id, occurredOn: day(socialAgo), kind: 'social_event', notes: 'Summer dinner with their leadership team.', contactIds: leaders, userIds: exec ? [account.ownerId, exec.id] : [account.ownerId], createdBy: account.ownerId, createdAt: now, updatedAt: now });
    }
  }
  if (rows.length) await db.insert(touchpoints).values(rows);
  return rows.length;
}
