import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { AppError } from './errors.js';

/** The CSV of an import: the raw `text/csv` body, or the multipart form field "file". */
export async function readCsvUpload(c: Context<AppEnv>): Promise<string> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv' || type === 'text/plain') return c.req.text();
  if (type === 'multipart/form-data') {
    const form = await c.req.parseBody().catch(() => {
      throw new AppError('bad_request', 'the multipart body could not be read');
    });
    const file = form['file'];
    if (!(file instanceof File)) throw new AppError('validation_failed', 'attach the CSV as the form field "file"', [{ path: 'file', message: 'is required' }]);
    return file.text();
  }
  throw new AppError('unsupported_media_type', 'send the CSV as text/csv or as multipart/form-data with a "file" field');
}

export const csvRequestBody = {
  description: 'The CSV file, as the raw body or as the multipart form field "file"',
  content: {
    'text/csv': { schema: { type: 'string' } },
    'multipart/form-data': {
      schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'text/csv' } }, required: ['file'] },
    },
  },
};
