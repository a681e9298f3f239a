import { createHash, randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { readSheet } from 'read-excel-file/node';
import type { AppEnv } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireRole } from '../http/auth.js';
import { limitBody } from '../http/body-limit.js';
import { audit } from '../http/audit.js';
import { isForeignKeyViolation, isUniqueViolation } from '../db/errors.js';
import { insertPortfolioImportRun, loadPortfolioLookups, writePortfolioBatch } from '../db/queries/portfolio-import.js';
import { CsvSyntaxError, streamCsv, type CsvRecord } from '../domain/csv.js';
import {
  cellText,
  ImportFileError,
  isBlankRow,
  parsePortfolioRow,
  planPortfolioImport,
  readPortfolioHeader,
  type ParsedPortfolioRow,
  type PlannedRow,
  type PortfolioHeader,
} from '../domain/portfolio-import.js';
import {
  MAX_PORTFOLIO_BYTES,
  MAX_PORTFOLIO_ROWS,
  PortfolioImportQuery,
  PortfolioImportResult,
  type PortfolioImportRow,
} from '../../shared/schemas/portfolio-import.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Rows written per transaction: big enough for multi-row inserts to pay, small enough to stream progress. */
const BATCH_ROWS = 1000;

/** The uploaded file: CSV as a stream of bytes (never one string), XLSX as bytes (a zip is read from its end). */
type Upload =
  | { kind: 'csv'; name: string | null; chunks: AsyncIterable<Uint8Array> }
  | { kind: 'xlsx'; name: string | null; bytes: Uint8Array };

/**
 * The raw body (`text/csv`, or the XLSX content type) is streamed as it arrives; a multipart form's field "file"
 * is a CSV unless its name ends in .xlsx or its type says XLSX. (The multipart body is read whole by the runtime
 * first, within the size limit; the page sends the raw file.)
 */
async function readUpload(c: Context<AppEnv>, nameHeader: string | null): Promise<Upload> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv' || type === 'text/plain' || type === 'application/csv') {
    const body = c.req.raw.body;
    return { kind: 'csv', name: nameHeader, chunks: body ? (body as unknown as AsyncIterable<Uint8Array>) : emptyStream() };
  }
  if (type === XLSX_TYPE) return { kind: 'xlsx', name: nameHeader, bytes: new Uint8Array(await c.req.arrayBuffer()) };
  if (type === 'multipart/form-data') {
    const form = await c.req.parseBody().catch(() => {
      throw new AppError('bad_request', 'the multipart body could not be read');
    });
    const file = form['file'];
    if (!(file instanceof File)) throw new AppError('validation_failed', 'attach the file as the form field "file"', [{ path: 'file', message: 'is required' }]);
    const name = file.name.slice(0, 200) || null;
    if (/\.xlsx$/i.test(file.name) || file.type === XLSX_TYPE) return { kind: 'xlsx', name, bytes: new Uint8Array(await file.arrayBuffer()) };
    return { kind: 'csv', name, chunks: file.stream() as unknown as AsyncIterable<Uint8Array> };
  }
  throw new AppError('unsupported_media_type', `send a CSV as text/csv, an XLSX as ${XLSX_TYPE}, or either as the multipart form field "file"`);
}

async function* emptyStream(): AsyncGenerator<Uint8Array> {}

/** Passes the bytes on while hashing them (the import run records the file's SHA-256) and checking it is a CSV. */
async function* hashing(chunks: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const chunk of chunks) {
    if (first && chunk.length >= 2 && chunk[0] === 0x50 && chunk[1] === 0x4b) {
      throw new ImportFileError(`this is a zip file (an .xlsx?), not a CSV: upload it as .xlsx or send it as ${XLSX_TYPE}`);
    }
    first = false;
    hash.update(chunk);
    yield chunk;
  }
}

/** The first sheet's rows, numbered as the spreadsheet shows them. */
async function* xlsxRecords(bytes: Uint8Array): AsyncGenerator<CsvRecord> {
  let rows: unknown[][];
  try {
    rows = (await readSheet(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) as unknown[][];
  } catch {
    throw new ImportFileError('the file could not be read as an .xlsx workbook (is it an older .xls, or a CSV named .xlsx?)');
  }
  for (let i = 0; i < rows.length; i++) yield { line: i + 1, fields: rows[i]!.map(cellText) };
}

/**
 * Reads the whole file into checked rows before anything is written, so a whole-file problem (syntax, header, too
 * many rows) is a 4xx with nothing written. The bytes stream through the parser; what is kept is one small object
 * per row.
 */
async function readRows(upload: Upload, hash: ReturnType<typeof createHash>): Promise<{ header: PortfolioHeader; rows: ParsedPortfolioRow[] }> {
  const records = upload.kind === 'csv' ? streamCsv(hashing(upload.chunks, hash)) : xlsxRecords(upload.bytes);
  if (upload.kind === 'xlsx') hash.update(upload.bytes);
  let header: PortfolioHeader | null = null;
  const rows: ParsedPortfolioRow[] = [];
  try {
    for await (const record of records) {
      if (record.fields.some((f) => f.includes('\u0000'))) throw new ImportFileError(`line ${record.line}: the file contains NUL bytes: is it really a CSV?`);
      if (!header) {
        if (isBlankRow(record.fields)) continue;
        header = readPortfolioHeader(record.fields);
        continue;
      }
      if (isBlankRow(record.fields)) continue;
      if (rows.length === MAX_PORTFOLIO_ROWS) {
        throw new AppError('payload_too_large', `at most ${MAX_PORTFOLIO_ROWS.toLocaleString('en-US')} rows per file: split the file and import each part`);
      }
      rows.push(parsePortfolioRow(header, record.line, record.fields));
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new AppError('unprocessable', `line ${error.line}: ${error.message}`);
    if (error instanceof ImportFileError) throw new AppError('unprocessable', error.message);
    throw error;
  } finally {
    await records.return(undefined);
  }
  if (!header) throw new AppError('unprocessable', 'the file is empty: expected a header row and one row per account contact');
  return { header, rows };
}

const unique = <T>(values: T[]) => [...new Set(values)];

export const portfolioImportRoutes = new Hono<AppEnv>().post(
  '/portfolio',
  describe({
    summary: 'Import a whole portfolio (accounts and their contacts) from one CSV or XLSX sheet',
    description:
      'One row per contact (or per account without contacts), account columns repeated on each row: account name, ' +
      'domain, industry, owner (email), stage, annual revenue (whole currency units), renewal date (YYYY-MM-DD), then ' +
      'contact name, email, title, language, level, buying role, relationship strength. Headings are matched without ' +
      'case, spaces or punctuation, with aliases ("Company" or "Account" for the name, "ARR" or "Revenue", "Renewal", ' +
      '"E-mail", "Account owner"…); unknown columns are listed in `unknownColumns` and ignored. Accounts match by ' +
      'domain, then by name (ignoring case); contacts by account and email. A blank cell keeps what is there. Each row ' +
      'is answered with its line (CSV) or sheet row (XLSX) and `created`, `updated`, `skipped` (nothing to change) or ' +
      '`error` with what is wrong in which column; a bad row writes nothing. Rows are written in batches of ' +
      `${BATCH_ROWS}, each in one transaction, and the answer is streamed as they are written. \`dryRun=true\` ` +
      'writes nothing and answers what would happen. Admins import any account; managers only their own (owner ' +
      'blank or their email; another owner\'s account reads "account not found"); executives 403. At most ' +
      `${MAX_PORTFOLIO_ROWS} rows and ${MAX_PORTFOLIO_BYTES / 1024 / 1024} MB (413).`,
    tags: ['Accounts'],
    requestBody: {
      description: 'The file: CSV or XLSX as the raw body, or either as the multipart form field "file"',
      content: {
        'text/csv': { schema: { type: 'string' } },
        [XLSX_TYPE]: { schema: { type: 'string', contentMediaType: XLSX_TYPE } },
        'multipart/form-data': {
          schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'text/csv' } }, required: ['file'] },
        },
      },
    },
    responses: { 200: PortfolioImportResult },
  }),
  limitBody({
    maxSize: MAX_PORTFOLIO_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', `the file is larger than ${MAX_PORTFOLIO_BYTES / 1024 / 1024} MB: split it and import each part`);
    },
  }),
  valid('query', PortfolioImportQuery),
  async (c) => {
    const { user } = requireRole(c, 'admin', 'account_manager');
    const { db, clock, logger } = c.var.deps;
    const { dryRun, fileName } = c.req.valid('query');
    const startedAt = clock.now();
    const upload = await readUpload(c, fileName ?? null);
    const hash = createHash('sha256');
    const { header, rows } = await readRows(upload, hash);

    const good = rows.flatMap((r) => (r.ok ? [r.value] : []));
    const lookups = await loadPortfolioLookups(db, {
      ownerEmails: unique(good.flatMap((v) => (v.owner ? [v.owner] : []))),
      domains: unique(good.flatMap((v) => (v.domain ? [v.domain] : []))),
      names: unique(good.map((v) => v.name.toLowerCase())),
      contactEmails: unique(good.flatMap((v) => (v.email ? [v.email] : []))),
    });
    const planned = planPortfolioImport(rows, user, lookups, randomUUID);
    rows.length = 0;
    const newAccounts = new Set(planned.flatMap((p) => (p.write?.createAccount ? [p.write.createAccount.id] : [])));

    const counts = { created: 0, updated: 0, skipped: 0, failed: 0 };
    const encoder = new TextEncoder();
    let next = 0;
    let finished = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`{"dryRun":${dryRun},"unknownColumns":${JSON.stringify(header.unknown)},"rows":[`));
      },
      async pull(controller) {
        try {
          if (finished) return;
          if (next >= planned.length) {
            finished = true;
            if (!dryRun) {
              const finishedAt = clock.now();
              await db.transaction(async (tx) => {
                const runId = await insertPortfolioImportRun(tx, {
                  userId: user.id,
                  fileName: upload.name,
                  fileHash: hash.digest('hex'),
                  summary: { rows: planned.length, ...counts },
                  startedAt,
                  finishedAt,
                });
                // Counts only: the audit log keeps no names or addresses from the file.
                await audit(c, 'import.portfolio', { type: 'import_run', id: runId }, { rows: planned.length, ...counts }, { db: tx });
              });
            }
            controller.enqueue(encoder.encode(`],${JSON.stringify(counts).slice(1)}`));
            controller.close();
            return;
          }
          const batch = planned.slice(next, next + BATCH_ROWS);
          if (!dryRun) await writeBatch(c, batch, clock.now());
          const out: string[] = [];
          for (const p of batch) {
            const result = dryRun ? withoutNewIds(p, newAccounts) : p.result;
            counts[result.status === 'error' ? 'failed' : result.status]++;
            out.push(JSON.stringify(result));
          }
          controller.enqueue(encoder.encode((next > 0 ? ',' : '') + out.join(',')));
          // Done with these: the stream keeps only what is still to write.
          for (let i = next; i < next + batch.length; i++) planned[i] = undefined as unknown as PlannedRow;
          next += batch.length;
        } catch (error) {
          logger.error('portfolio import failed', { requestId: c.var.requestId, error: String(error) });
          controller.error(error);
        }
      },
    });
    return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  },
);

/** A dry run's answer names no ids for what it would create: they do not exist. */
function withoutNewIds({ result, write }: PlannedRow, newAccounts: Set<string>): PortfolioImportRow {
  return {
    ...result,
    accountId: result.accountId && newAccounts.has(result.accountId) ? null : result.accountId,
    contactId: write?.createContact ? null : result.contactId,
  };
}

/**
 * One batch in one transaction. Should it fail on a row (a contact added by someone else meanwhile), each row of the
 * batch is written again in a transaction of its own, so only the rows that cannot be written are reported — and
 * nothing of them is written.
 */
async function writeBatch(c: Context<AppEnv>, batch: PlannedRow[], now: Date): Promise<void> {
  const { db } = c.var.deps;
  const writes = batch.flatMap((p) => (p.write ? [p.write] : []));
  if (!writes.length) return;
  try {
    await db.transaction((tx) => writePortfolioBatch(tx, writes, now));
    return;
  } catch (error) {
    if (!isUniqueViolation(error) && !isForeignKeyViolation(error)) throw error;
  }
  for (const p of batch) {
    if (!p.write) continue;
    try {
      await db.transaction((tx) => writePortfolioBatch(tx, [p.write!], now));
    } catch (error) {
      if (!isUniqueViolation(error) && !isForeignKeyViolation(error)) throw error;
      const message = isUniqueViolation(error)
        ? 'was added by someone else meanwhile: import the file again'
        : 'its account could not be written (see its first row): import the file again';
      p.result = { ...p.result, status: 'error', accountId: null, contactId: null, note: null, errors: [{ column: isUniqueViolation(error) ? 'email' : 'name', message }] };
    }
  }
}
