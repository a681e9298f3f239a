import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { streamCsv } from '../http/csv-stream.js';
import { requireAuth } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { accountOwnerScope, canViewAccount } from '../domain/permissions.js';
import { getResponseWithOwner, listResponses, type ResponseRow } from '../db/queries/responses.js';
import { npsCategory } from '../../shared/answers.js';
import { IdParams, pageOf } from '../../shared/schemas/common.js';
import { ResponseListQuery, SurveyResponse } from '../../shared/schemas/response.js';
import { ResponseExportQuery } from '../../shared/schemas/report.js';
import type { AnswerValue } from '../../shared/schemas/survey.js';
import { exportResponses, type ExportedResponse } from '../db/queries/response-export.js';

function toResponse(row: ResponseRow & { accountName: string; contactName: string }): SurveyResponse {
  return {
    id: row.id,
    invitationId: row.invitationId,
    campaignId: row.campaignId,
    surveyId: row.surveyId,
    surveyVersionId: row.surveyVersionId,
    accountId: row.accountId,
    accountName: row.accountName,
    contactId: row.contactId,
    contactName: row.contactName,
    language: row.language,
    answers: row.answers,
    npsScore: row.npsScore,
    category: row.npsScore === null ? null : npsCategory(row.npsScore),
    startedAt: row.startedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    importedFrom: row.importedFrom,
  };
}

const exportHeader = [
  'responseId',
  'submittedAt',
  'account',
  'contact',
  'contactEmail',
  'survey',
  'surveyVersion',
  'questionKey',
  'question',
  'value',
  'category',
] as const;

/** An answer as one spreadsheet cell: choices joined with '; ' (an "other" text last), yes/no as words. */
function cellOf(value: AnswerValue): string | number {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return [...value.selected, ...(value.other ? [value.other] : [])].join('; ');
  return value;
}

/** One row per answer, in the order the survey asks its questions; submitted = completed, else last saved. */
function exportRows(response: ExportedResponse, companyName: string): unknown[][] {
  const questions = response.definition.questions;
  const order = new Map(questions.map((q, i) => [q.key, i]));
  const keys = Object.keys(response.answers).sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
  const rows: unknown[][] = [];
  for (const key of keys) {
    const value = response.answers[key];
    if (value === null || value === undefined) continue;
    const question = questions[order.get(key) ?? -1];
    const isNps = question?.kind === 'nps' && typeof value === 'number';
    rows.push([
      response.id,
      response.completedAt ?? response.updatedAt,
      response.accountName,
      response.contactName,
      response.contactEmail,
      response.surveyName,
      response.surveyVersion,
      key,
      question?.text.en?.replaceAll('{company}', companyName) ?? '',
      cellOf(value),
      isNps ? npsCategory(value) : '',
    ]);
  }
  return rows;
}

export const responseRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({
      summary: 'Survey answers, newest first (partial ones included once anything is answered)',
      tags: ['Responses'],
      responses: { 200: pageOf(SurveyResponse) },
    }),
    valid('query', ResponseListQuery),
    async (c) => {
      const { user } = requireAuth(c);
      const page = await listResponses(c.var.deps.db, c.req.valid('query'), accountOwnerScope(user));
      return c.json({ ...page, data: page.data.map(toResponse) });
    },
  )
  // Before '/:id', which would take 'export.csv' for an id.
  .get(
    '/export.csv',
    describe({
      summary: 'Every answer as CSV, one row per answer (same filters as the list; managers: their accounts)',
      tags: ['Responses'],
      responses: { 200: { contentType: 'text/csv', description: 'CSV with a header row, streamed' } },
    }),
    valid('query', ResponseExportQuery),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, config, clock } = c.var.deps;
      const query = c.req.valid('query');
      // Recorded as the download starts: it is streamed, so its row count is not known yet.
      await audit(c, 'export.downloaded', null, { what: 'responses', filters: query });
      return streamCsv(c, {
        filename: `keypulse-responses-${clock.now().toISOString().slice(0, 10)}.csv`,
        header: exportHeader,
        batches: exportResponses(db, query, accountOwnerScope(user)),
        toRows: (r) => exportRows(r, config.companyName),
        what: 'response',
      });
    },
  )
  .get(
    '/:id',
    describe({ summary: 'One response', tags: ['Responses'], responses: { 200: SurveyResponse } }),
    valid('param', IdParams),
    async (c) => {
      const { user } = requireAuth(c);
      const found = await getResponseWithOwner(c.var.deps.db, c.req.valid('param').id);
      if (!found || !canViewAccount(user, { ownerId: found.ownerId })) throw notFound('response');
      return c.json(toResponse({ ...found.response, accountName: found.accountName, contactName: found.contactName }));
    },
  );
