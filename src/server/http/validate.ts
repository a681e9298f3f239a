import type { MiddlewareHandler, ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { AppError } from './errors.js';
import '../../shared/validation-messages.js'; // the error envelope's messages in plain words
import type { ErrorIssue } from '../../shared/schemas/common.js';

/** Metadata hung on middleware so the OpenAPI document can be built from the routes themselves. */
export const OPENAPI_META = Symbol('openapi');

export type OperationMeta = {
  summary?: string;
  description?: string;
  tags?: string[];
  /** Success status → schema of the JSON body (or a content-type string for non-JSON bodies). */
  responses?: Record<number, z.ZodType | { contentType: string; description: string }>;
  /** A body not read through `valid('json', …)` (uploads): its OpenAPI media types. */
  requestBody?: { description: string; content: Record<string, { schema: Record<string, unknown> }> };
  public?: boolean;
};
export type MetaPart =
  | { kind: 'operation'; meta: OperationMeta }
  | { kind: 'input'; target: 'json' | 'query' | 'param'; schema: z.ZodType };

export function withMeta<T extends object>(handler: T, part: MetaPart): T {
  (handler as Record<symbol, unknown>)[OPENAPI_META] = part;
  return handler;
}

export function toIssues(error: z.ZodError): ErrorIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}

function describeIssues(where: string, issues: ErrorIssue[]): string {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  // "invalid request body: name is required": the field's name starts the plain-words message (validation-messages.ts).
  return first ? `invalid ${where}: ${first.path === '(body)' ? '' : `${first.path} `}${first.message}${more}` : `invalid ${where}`;
}

/**
 * PostgreSQL text cannot hold U+0000, so a NUL anywhere in the input would fail in the database as a 500.
 * Refused here instead, naming the field. Iterative, so deeply nested JSON cannot overflow the stack.
 */
function findNulCharacter(value: unknown): ErrorIssue | undefined {
  type Where = { key: string; parent: Where } | null; // a linked path: no copying per level
  const stack: [unknown, Where][] = [[value, null]];
  while (stack.length) {
    const [item, where] = stack.pop()!;
    if (typeof item === 'string') {
      if (!item.includes('\u0000')) continue;
      const keys: string[] = [];
      for (let w = where; w; w = w.parent) keys.unshift(w.key);
      return { path: keys.length ? keys.join('.') : '(body)', message: 'must not contain the NUL character' };
    }
    if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) stack.push([child, { key, parent: where }]);
    }
  }
  return undefined;
}

const jsonMediaType = /^application\/([\w.-]+\+)?json$/i;
const wherePhrase = { json: 'request body', query: 'query parameters', param: 'path parameters' } as const;

/**
 * Validates one part of the request with a shared zod schema. Failures become a 400
 * `validation_failed` with every issue listed; a JSON body sent with another content type is a 415.
 */
export function valid<Target extends 'json' | 'query' | 'param', Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  const middleware = validator(target as keyof ValidationTargets, (value, c) => {
    if (target === 'json') {
      const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
      if (!jsonMediaType.test(mediaType)) {
        throw new AppError('unsupported_media_type', 'send the body as JSON with Content-Type: application/json');
      }
    }
    const nul = findNulCharacter(value);
    if (nul) throw new AppError('validation_failed', describeIssues(wherePhrase[target], [nul]), [nul]);
    const result = schema.safeParse(value);
    if (!result.success) {
      const issues = toIssues(result.error);
      throw new AppError('validation_failed', describeIssues(wherePhrase[target], issues), issues);
    }
    return result.data as z.output<Schema>;
  });
  return withMeta(middleware, { kind: 'input', target, schema }) as MiddlewareHandler<
    any,
    string,
    { in: { [K in Target]: z.input<Schema> }; out: { [K in Target]: z.output<Schema> } }
  >;
}

/** Documents an operation; does nothing at run time. */
export function describe(meta: OperationMeta): MiddlewareHandler {
  const middleware: MiddlewareHandler = async (_c, next) => next();
  return withMeta(middleware, { kind: 'operation', meta });
}
