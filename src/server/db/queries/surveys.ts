import { asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.js';
import { campaigns, responses, surveys, surveyVersions } from '../schema/index.js';
import type { Survey, SurveyDefinition, SurveyKind } from '../../../shared/schemas/survey.js';
import { builtInTemplates, surveyLanguages, withNewLanguages } from '../../domain/survey-templates.js';
import { canEditSurvey, type Actor } from '../../domain/permissions.js';

export type SurveyRow = typeof surveys.$inferSelect;
export type SurveyVersionRow = typeof surveyVersions.$inferSelect;

export interface SurveyWithVersion {
  survey: SurveyRow;
  version: SurveyVersionRow;
  responseCount: number;
}

/** The survey as `actor` sees it: `canEdit` tells the workspace whether to offer the editor. */
export function toSurvey({ survey, version, responseCount }: SurveyWithVersion, actor: Actor): Survey {
  return {
    id: survey.id,
    name: survey.name,
    kind: survey.kind,
    templateKey: survey.templateKey,
    createdBy: survey.createdBy,
    canEdit: canEditSurvey(actor, survey),
    version: version.version,
    versionId: version.id,
    definition: version.definition,
    languages: surveyLanguages(version.definition),
    responseCount,
    createdAt: survey.createdAt.toISOString(),
    updatedAt: survey.updatedAt.toISOString(),
  };
}

/**
 * Creates the built-in NPS and audit templates once. Later starts keep their texts, but add the languages a
 * release added to them (`withNewLanguages`): as a new version when the current one was already sent (answers
 * stay tied to the texts they were given), in place otherwise.
 */
export async function ensureBuiltInSurveys(db: Db, now: Date): Promise<void> {
  for (const template of builtInTemplates) {
    await db.transaction(async (tx) => {
      const [created] = await tx
        .insert(surveys)
        .values({ name: template.name, kind: template.kind, templateKey: template.templateKey, createdAt: now, updatedAt: now })
        .onConflictDoNothing({ target: surveys.templateKey })
        .returning();
      if (created) {
        await tx.insert(surveyVersions).values({ surveyId: created.id, version: 1, definition: template.definition, createdAt: now });
        return;
      }
      // Locked, so that several processes starting at once upgrade it once.
      const [existing] = await tx.select().from(surveys).where(eq(surveys.templateKey, template.templateKey)).for('update');
      const latest = existing && (await latestVersions(tx, [existing.id])).get(existing.id);
      const upgraded = latest && withNewLanguages(latest.definition, template.definition);
      if (!existing || !latest || !upgraded) return;
      if (await isVersionInUse(tx, latest.id)) {
        await tx.insert(surveyVersions).values({ surveyId: existing.id, version: latest.version + 1, definition: upgraded, createdAt: now });
      } else {
        await tx.update(surveyVersions).set({ definition: upgraded }).where(eq(surveyVersions.id, latest.id));
      }
      await tx.update(surveys).set({ updatedAt: now }).where(eq(surveys.id, existing.id));
    });
  }
}

async function latestVersions(db: Db, surveyIds: string[]): Promise<Map<string, SurveyVersionRow>> {
  if (!surveyIds.length) return new Map();
  const rows = await db
    .selectDistinctOn([surveyVersions.surveyId])
    .from(surveyVersions)
    .where(inArray(surveyVersions.surveyId, surveyIds))
    .orderBy(surveyVersions.surveyId, desc(surveyVersions.version));
  return new Map(rows.map((r) => [r.surveyId, r]));
}

async function responseCounts(db: Db, surveyIds: string[]): Promise<Map<string, number>> {
  if (!surveyIds.length) return new Map();
  const rows = await db
    .select({ surveyId: responses.surveyId, n: count() })
    .from(responses)
    .where(inArray(responses.surveyId, surveyIds))
    .groupBy(responses.surveyId);
  return new Map(rows.map((r) => [r.surveyId, r.n]));
}

export async function listSurveys(db: Db): Promise<SurveyWithVersion[]> {
  const rows = await db.select().from(surveys).where(eq(surveys.archived, false)).orderBy(asc(surveys.templateKey), asc(surveys.name));
  const ids = rows.map((r) => r.id);
  const [versions, counts] = await Promise.all([latestVersions(db, ids), responseCounts(db, ids)]);
  return rows.map((survey) => ({ survey, version: versions.get(survey.id)!, responseCount: counts.get(survey.id) ?? 0 }));
}

export async function getSurveyWithVersion(db: Db, id: string): Promise<SurveyWithVersion | undefined> {
  const [survey] = await db.select().from(surveys).where(eq(surveys.id, id));
  if (!survey) return undefined;
  const [versions, counts] = await Promise.all([latestVersions(db, [id]), responseCounts(db, [id])]);
  return { survey, version: versions.get(id)!, responseCount: counts.get(id) ?? 0 };
}

export async function getSurveyVersion(db: Db, versionId: string): Promise<SurveyVersionRow | undefined> {
  const [row] = await db.select().from(surveyVersions).where(eq(surveyVersions.id, versionId));
  return row;
}

export async function insertSurvey(
  db: Db,
  values: { name: string; kind: SurveyKind; definition: SurveyDefinition; createdBy: string },
  now: Date,
): Promise<string> {
  return db.transaction(async (tx) => {
    const [survey] = await tx
      .insert(surveys)
      .values({ name: values.name, kind: values.kind, createdBy: values.createdBy, createdAt: now, updatedAt: now })
      .returning();
    await tx.insert(surveyVersions).values({ surveyId: survey!.id, version: 1, definition: values.definition, createdAt: now });
    return survey!.id;
  });
}

/** Is this version already in use (a campaign was sent with it), so that editing must add a version? */
export async function isVersionInUse(db: Db, versionId: string): Promise<boolean> {
  const [used] = await db.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.surveyVersionId, versionId)).limit(1);
  return Boolean(used);
}

export async function updateSurvey(
  db: Db,
  current: SurveyWithVersion,
  changes: { name?: string; definition?: SurveyDefinition },
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    // Locked, then re-read: concurrent edits apply one after the other, each on the version the last one left
    // (without this, two edits of a used version both insert version n+1 and one fails on the unique index).
    await tx.select({ id: surveys.id }).from(surveys).where(eq(surveys.id, current.survey.id)).for('update');
    await tx
      .update(surveys)
      .set({ ...(changes.name ? { name: changes.name } : {}), updatedAt: now })
      .where(eq(surveys.id, current.survey.id));
    if (!changes.definition) return;
    const latest = (await latestVersions(tx, [current.survey.id])).get(current.survey.id) ?? current.version;
    if (await isVersionInUse(tx, latest.id)) {
      await tx.insert(surveyVersions).values({
        surveyId: current.survey.id,
        version: latest.version + 1,
        definition: changes.definition,
        createdAt: now,
      });
    } else {
      await tx
        .update(surveyVersions)
        .set({ definition: changes.definition })
        .where(eq(surveyVersions.id, latest.id));
    }
  });
}
