import type { ErrorCode, ErrorIssue } from '../../shared/schemas/common.js';

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
};

/** The one error type handlers throw; `onError` renders it as the JSON envelope. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = statusOf[code];
  }
}

export const notFound = (what = 'resource') => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'you do not have permission to do this') => new AppError('forbidden', message);
export const conflict = (message: string, path?: string) =>
  new AppError('conflict', message, path ? [{ path, message }] : undefined);
export const invalid = (path: string, message: string) =>
  new AppError('validation_failed', `${path} ${message}`, [{ path, message }]);

export function errorCodeForStatus(status: number): ErrorCode {
  const found = (Object.entries(statusOf) as [ErrorCode, number][]).find(([, s]) => s === status);
  return found ? found[0] : status >= 500 ? 'internal' : 'bad_request';
}
