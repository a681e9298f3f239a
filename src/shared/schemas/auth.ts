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

export const ApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  userId: z.uuid(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const CreateApiKey = z.strictObject({
  name: z.string().trim().min(1, { message: 'is required' }).max(100),
});

/** The only time the secret is ever shown. */
export const CreatedApiKey = ApiKey.extend({ key: z.string() });
