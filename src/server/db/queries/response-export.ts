import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { responseFilterConditions } from './responses.js';
import { accounts, contacts, responses, surveys, surveyVersions } from '../schema/index.js';
import type { Answers, SurveyDefinition } from '../../../shared/schemas/survey.js';
import type { ResponseExportQuery } from '../../../shared/schemas/report.js';

export interface ExportedResponse {
  id: string;
  answers: Answers;
  npsScore: number | null;
  updatedAt: Date;
  completedAt: Date | null;
  accountName: string;
  contactName: string;
  contactEmail: string;
  surveyName: string;
  surveyVersion: number;
  definition: SurveyDefinition;
}

/**
 * Every matching response, oldest change first, `batchSize` at a time: keyset paging on (updated_at, id), so memory
 * stays flat however many there are and each page is an index range scan. The cursor is kept as PostgreSQL's own
 * text for the timestamp (microseconds), not a JS Date (milliseconds), so no row is skipped or repeated at a page
 * edge. Survey definitions are fetched once per version. A response revised while the export runs moves to the
 * end and may appear twice (old and new answers); none is lost.
 */
export async function* exportResponses(
  db: Db,
  query: ResponseExportQuery,
  ownerScope: string | null,
  batchSize = 1000,
): AsyncGenerator<ExportedResponse[]> {
  const definitions = new Map<string, { definition: SurveyDefinition; version: number }>();
  let cursor: { updatedAt: string; id: string } | null = null;
  for (;;) {
    const conditions = responseFilterConditions(query, ownerScope);
    if (cursor) conditions.push(sql`(${responses.updatedAt}, ${responses.id}) > (${cursor.updatedAt}::timestamptz, ${cursor.id}::uuid)`);
    const rows = await db
      .select({
        id: responses.id,
        answers: responses.answers,
        npsScore: responses.npsScore,
        updatedAt: responses.updatedAt,
        cursorAt: sql<string>`${responses.updatedAt}::text`,
        completedAt: responses.completedAt,
        surveyVersionId: responses.surveyVersionId,
        accountName: accounts.name,
        contactName: contacts.name,
        contactEmail: contacts.email,
        surveyName: surveys.name,
      })
      .from(responses)
      .innerJoin(accounts, eq(accounts.id, responses.accountId))
      .innerJoin(contacts, eq(contacts.id, responses.contactId))
      .innerJoin(surveys, eq(surveys.id, responses.surveyId))
      .where(and(...conditions))
      .orderBy(asc(responses.updatedAt), asc(responses.id))
      .limit(batchSize);
    if (!rows.length) return;

    const missing = [...new Set(rows.map((r) => r.surveyVersionId))].filter((id) => !definitions.has(id));
    if (missing.length) {
      const versions = await db
        .select({ id: surveyVersions.id, definition: surveyVersions.definition, version: surveyVersions.version })
        .from(surveyVersions)
        .where(inArray(surveyVersions.id, missing));
      for (const v of versions) definitions.set(v.id, { definition: v.definition, version: v.version });
    }
    yield rows.map((r) => {
      const { definition, version } = definitions.get(r.surveyVersionId)!;
      return {
        id: r.id,
        answers: r.answers,
        npsScore: r.npsScore,
        updatedAt: r.updatedAt,
        completedAt: r.completedAt,
        accountName: r.accountName,
        contactName: r.contactName,
        contactEmail: r.contactEmail,
        surveyName: r.surveyName,
        surveyVersion: version,
        definition,
      };
    });
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    cursor = { updatedAt: last.cursorAt, id: last.id };
  }
}
