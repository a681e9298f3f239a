import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { AppError } from './errors.js';
import { ImportFileError } from '../domain/csv-import.js';

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

/** Reads the upload and parses it with an import's parser; a problem with the whole file is a 422 saying what. */
export async function parseCsvUpload<T>(c: Context<AppEnv>, parse: (text: string) => T): Promise<T> {
  const text = await readCsvUpload(c);
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof ImportFileError) throw new AppError('unprocessable', error.message);
    throw error;
  }
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
