import { Hono } from 'hono';
import * as z from 'zod';
import type { AppEnv } from '../http/context.js';
import { AppError, forbidden, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth, requireRole } from '../http/auth.js';
import { getSurveyWithVersion, insertSurvey, listSurveys, toSurvey, updateSurvey } from '../db/queries/surveys.js';
import { canEditSurvey } from '../domain/permissions.js';
import { IdParams } from '../../shared/schemas/common.js';
import { CreateSurvey, Survey, UpdateSurvey } from '../../shared/schemas/survey.js';

export const surveyRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe({ summary: 'List surveys with their current version', tags: ['Surveys'], responses: { 200: z.object({ data: z.array(Survey) }) } }),
    async (c) => {
      const { user } = requireAuth(c);
      return c.json({ data: (await listSurveys(c.var.deps.db)).map((s) => toSurvey(s, user)) });
    },
  )
  .post(
    '/',
    describe({
      summary: 'Create a survey from a definition or as a copy of another survey (admins and managers)',
      tags: ['Surveys'],
      responses: { 201: Survey },
    }),
    valid('json', CreateSurvey),
    async (c) => {
      const { user } = requireRole(c, 'admin', 'account_manager');
      const { db, clock } = c.var.deps;
      const body = c.req.valid('json');
      let definition = body.definition;
      let kind = body.kind;
      if (body.copyFromId) {
        const source = await getSurveyWithVersion(db, body.copyFromId);
        if (!source) throw new AppError('validation_failed', 'copyFromId: no such survey', [{ path: 'copyFromId', message: 'no such survey' }]);
        definition ??= source.version.definition;
        if (body.kind === 'custom') kind = source.survey.kind;
      }
      if (!definition) {
        throw new AppError('validation_failed', 'give a definition or copyFromId', [{ path: 'definition', message: 'is required without copyFromId' }]);
      }
      const id = await insertSurvey(db, { name: body.name, kind, definition, createdBy: user.id }, clock.now());
      return c.json(toSurvey((await getSurveyWithVersion(db, id))!, user), 201);
    },
  )
  .get(
    '/:id',
    describe({ summary: 'Get a survey and its current definition', tags: ['Surveys'], responses: { 200: Survey } }),
    valid('param', IdParams),
    async (c) => {
      const { user } = requireAuth(c);
      const found = await getSurveyWithVersion(c.var.deps.db, c.req.valid('param').id);
      if (!found) throw notFound('survey');
      return c.json(toSurvey(found, user));
    },
  )
  .patch(
    '/:id',
    describe({
      summary:
        'Edit a survey copy (its maker and admins). Once a campaign has used the current version, the edit creates a new version.',
      tags: ['Surveys'],
      responses: { 200: Survey },
    }),
    valid('param', IdParams),
    valid('json', UpdateSurvey),
    async (c) => {
      const { user } = requireRole(c, 'admin', 'account_manager');
      const { db, clock } = c.var.deps;
      const found = await getSurveyWithVersion(db, c.req.valid('param').id);
      if (!found) throw notFound('survey');
      if (found.survey.templateKey) {
        throw new AppError('conflict', 'built-in templates are read-only: create a copy (POST /api/surveys with copyFromId) and edit it');
      }
      // 403, not 404: every signed-in user can read this survey (and use it in a campaign), so there is nothing
      // to hide — unlike another manager's account, which is a 404 because its very existence is theirs.
      if (!canEditSurvey(user, found.survey)) {
        throw forbidden('only the person who made this copy, or an admin, can change it: make your own copy to edit');
      }
      await updateSurvey(db, found, c.req.valid('json'), clock.now());
      return c.json(toSurvey((await getSurveyWithVersion(db, found.survey.id))!, user));
    },
  );
