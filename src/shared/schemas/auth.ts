import * as z from 'zod';
import { Email } from './common.js';
import { User } from './user.js';

export const LoginRequest = z.strictObject({
  email: Email,
  password: z.string().min(1, { message: 'is required' }).max(200),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const Me = z.object({
  user: User,
  authenticatedBy: z.enum(['session', 'api_key']),
});

/**
 * What a key may do on top of its creator's role: `read` only reads (GET), `write` also changes data but nothing
 * only an admin may do, `admin` everything its admin could except managing API keys (sessions only).
 */
export const ApiKeyScope = z.enum(['read', 'write', 'admin', 'touchpoints:write', 'pulses:write']);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const ApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scope: ApiKeyScope,
  createdAt: z.string(),
  /** Null: never expires. */
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  userId: z.uuid(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const CreateApiKey = z.strictObject({
  name: z.string().trim().min(1, { message: 'is required' }).max(100),
  // Least privilege: a key that was not given a scope can only read; more is asked for, never assumed.
  scope: ApiKeyScope.default('read'),
  /** Must be in the future (checked against the server's clock); absent: the key does not expire. */
  expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
});
export type CreateApiKey = z.input<typeof CreateApiKey>;

/** The only time the secret is ever shown. */
export const CreatedApiKey = ApiKey.extend({ key: z.string() });
