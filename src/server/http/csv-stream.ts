import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { toCsvRows } from '../domain/csv.js';

/**
 * A CSV download streamed a batch at a time as the client reads, so a long export never sits in memory whole.
 * The header goes out first; each batch is the same CSV without it. Batches that make no rows are skipped.
 */
export function streamCsv<T>(
  c: Context<AppEnv>,
  options: {
    filename: string;
    header: readonly string[];
    batches: AsyncGenerator<T[], unknown, unknown>;
    toRows: (item: T) => readonly (readonly unknown[])[];
    /** Names the export in the log line if reading a batch fails. */
    what: string;
  },
): Response {
  const { logger } = c.var.deps;
  const { batches, header, toRows } = options;
  const encoder = new TextEncoder();
  const headerLine = toCsvRows([header]);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(headerLine));
    },
    async pull(controller) {
      try {
        for (;;) {
          const next = await batches.next();
          if (next.done) return controller.close();
          const rows = next.value.flatMap(toRows);
          if (!rows.length) continue;
          return controller.enqueue(encoder.encode(toCsvRows(rows)));
        }
      } catch (error) {
        logger.error(`${options.what} export failed`, { requestId: c.var.requestId, error: String(error) });
        controller.error(error);
      }
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
  return c.body(body, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${options.filename}"`,
  });
}
