import * as z from 'zod';
import '../validation-messages.js'; // plain-words validation messages, wherever the shared schemas are used

/** Path parameter `:id` — every resource is addressed by a UUID. */
export const IdParams = z.object({ id: z.uuid({ message: 'must be a UUID' }) });

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be a valid email address' }).max(254));

/** Money in minor units (cents) of the installation's single currency. */
export const Money = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A calendar date written YYYY-MM-DD. */
export const IsoDate = z.iso.date({ message: 'must be a date written YYYY-MM-DD' });

/** Query-string booleans arrive as text. */
export const QueryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  });
}
export interface Page<T> {
  data: T[];
  page: number;
  pageSize: number;
  total: number;
}

export const ErrorCode = z.enum([
  'bad_request',
  'validation_failed',
  'invalid_json',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'rate_limited',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorIssue = z.object({ path: z.string(), message: z.string() });
export type ErrorIssue = z.infer<typeof ErrorIssue>;

/** The one error envelope every API failure is rendered in. */
export const ErrorEnvelope = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    issues: z.array(ErrorIssue).optional(),
    requestId: z.string().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
