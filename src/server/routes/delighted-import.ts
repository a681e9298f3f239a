import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { AppError, invalid } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireRole } from '../http/auth.js';
import { audit } from '../http/audit.js';
import { findUserByEmail } from '../db/queries/users.js';
import { DelightedFileError, importDelighted, type DelightedFiles } from '../services/delighted-import.js';
import { DelightedImportQuery, DelightedImportResult } from '../../shared/schemas/delighted-import.js';

/** Largest upload: a few years of a busy Delighted account's answers as CSV; app.ts lets /api/import/* bodies this big. */
export const DELIGHTED_MAX_BYTES = 64 * 1024 * 1024;

const fileField = (description: string) => ({ type: 'string', contentMediaType: 'text/csv', description });

export const delightedImportRoutes = new Hono<AppEnv>().post(
  '/delighted',
  describe({
    summary:
      'Import a Delighted export (admins): survey responses (required), people, unsubscribes and bounces, each as CSV ' +
      "or as the JSON array Delighted's API returned. NPS answers become historical answers marked imported; a " +
      'second import of the same responses skips them. dryRun=true reports per row and writes nothing.',
    tags: ['Import'],
    requestBody: {
      description: 'multipart/form-data with the files',
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: {
              responses: fileField('survey responses (CSV or JSON)'),
              people: fileField('people (CSV or JSON), optional'),
              unsubscribes: fileField('unsubscribed people (CSV or JSON), optional'),
              bounces: fileField('bounced people (CSV or JSON), optional'),
            },
            required: ['responses'],
          },
        },
      },
    },
    responses: { 200: DelightedImportResult },
  }),
  valid('query', DelightedImportQuery),
  async (c) => {
    // Checked before the body is read: nobody else gets to upload tens of megabytes.
    const { user } = requireRole(c, 'admin');
    const { db, clock } = c.var.deps;
    const query = c.req.valid('query');
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'multipart/form-data') {
      throw new AppError('unsupported_media_type', 'send the files as multipart/form-data (fields responses, people, unsubscribes, bounces)');
    }
    const form = await c.req.parseBody().catch(() => {
      throw new AppError('bad_request', 'the multipart body could not be read');
    });
    const files: Partial<DelightedFiles> = {};
    for (const name of ['responses', 'people', 'unsubscribes', 'bounces'] as const) {
      const value = form[name];
      if (value === undefined || value === '') continue;
      if (!(value instanceof File)) throw invalid(name, 'must be a file');
      if (value.size > 0) files[name] = value;
    }
    if (!files.responses) throw invalid('responses', 'is required: attach the survey responses export');

    let ownerId = user.id;
    if (query.ownerEmail) {
      const owner = await findUserByEmail(db, query.ownerEmail);
      if (!owner || owner.disabled) throw invalid('ownerEmail', 'is not the email of an active user');
      ownerId = owner.id;
    }
    try {
      const result = await importDelighted(db, files as DelightedFiles, { ...query, userId: user.id, ownerId, now: clock.now() });
      if (!result.dryRun) await audit(c, 'import.delighted', { type: 'import_run', id: result.runId }, { ...result.summary });
      return c.json(result);
    } catch (error) {
      if (error instanceof DelightedFileError) throw new AppError('unprocessable', error.message);
      throw error;
    }
  },
);
