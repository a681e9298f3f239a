import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { partnershipAnswers, partnershipAssessments, partnershipIndicators, users } from '../schema/index.js';
import { DEFAULT_INDICATORS } from '../../domain/program-defaults.js';
import type { CreatePartnershipAssessment } from '../../../shared/schemas/program.js';

export type IndicatorRow = typeof partnershipIndicators.$inferSelect;

/** Creates the built-in indicators once; admins' later edits are left alone. */
export async function ensureDefaultIndicators(db: Db, now: Date): Promise<void> {
  await db
    .insert(partnershipIndicators)
    .values(DEFAULT_INDICATORS.map((indicator, i) => ({ ...indicator, position: i, createdAt: now, updatedAt: now })))
    .onConflictDoNothing({ target: partnershipIndicators.key });
}

export async function listIndicators(db: Db): Promise<IndicatorRow[]> {
  return db.select().from(partnershipIndicators).orderBy(asc(partnershipIndicators.position), asc(partnershipIndicators.createdAt));
}

export async function getIndicator(db: Db, id: string): Promise<IndicatorRow | undefined> {
  const [row] = await db.select().from(partnershipIndicators).where(eq(partnershipIndicators.id, id));
  return row;
}

export async function insertAssessment(
  db: Db,
  accountId: string,
  input: Omit<CreatePartnershipAssessment, 'assessedAt'> & { assessedAt: Date },
  userId: string | null,
): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(partnershipAssessments)
      .values({ accountId, assessedBy: userId, assessedAt: input.assessedAt, notes: input.notes ?? null })
      .returning({ id: partnershipAssessments.id });
    await tx.insert(partnershipAnswers).values(
      input.answers.map((a) => ({ assessmentId: row!.id, indicatorId: a.indicatorId, answer: a.answer, note: a.note ?? null })),
    );
    return row!.id;
  });
}

/** An account's assessments, oldest first, each with its answers. */
export async function listAssessments(db: Db, accountId: string) {
  const rows = await db
    .select({ assessment: partnershipAssessments, assessorName: users.name })
    .from(partnershipAssessments)
    .leftJoin(users, eq(users.id, partnershipAssessments.assessedBy))
    .where(eq(partnershipAssessments.accountId, accountId))
    .orderBy(asc(partnershipAssessments.assessedAt), asc(partnershipAssessments.id));
  const ids = rows.map((r) => r.assessment.id);
  const answers = ids.length
    ? await db
        .select({
          assessmentId: partnershipAnswers.assessmentId,
          indicatorId: partnershipAnswers.indicatorId,
          name: partnershipIndicators.name,
          position: partnershipIndicators.position,
          answer: partnershipAnswers.answer,
          note: partnershipAnswers.note,
        })
        .from(partnershipAnswers)
        .innerJoin(partnershipIndicators, eq(partnershipIndicators.id, partnershipAnswers.indicatorId))
        .where(inArray(partnershipAnswers.assessmentId, ids))
        .orderBy(asc(partnershipIndicators.position), asc(partnershipIndicators.name))
    : [];
  return rows.map((r) => ({ ...r, answers: answers.filter((a) => a.assessmentId === r.assessment.id) }));
}
