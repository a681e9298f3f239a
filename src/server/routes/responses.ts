import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth } from '../http/auth.js';
import { accountOwnerScope, canViewAccount } from '../domain/permissions.js';
import { getResponseWithOwner, listResponses, type ResponseRow } from '../db/queries/responses.js';
import { npsCategory } from '../../shared/answers.js';
import { IdParams, pageOf } from '../../shared/schemas/common.js';
import { ResponseListQuery, SurveyResponse } from '../../shared/schemas/response.js';

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
  };
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
