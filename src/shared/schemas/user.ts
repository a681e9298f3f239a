import * as z from 'zod';
import { Email, PageQuery } from './common.js';

export const Role = z.enum(['admin', 'executive', 'account_manager']);
export type Role = z.infer<typeof Role>;

/**
 * A new password, as NIST SP 800-63B asks: long enough, any characters, no composition rules. The server also
 * refuses common passwords (src/server/domain/password-policy.ts), which keeps the list out of the browser.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { message: `must be at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(200, { message: 'must be at most 200 characters' });

export const UserName = z.string().trim().min(1, { message: 'is required' }).max(120);

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: Role,
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof User>;

export const CreateUser = z.strictObject({
  email: Email,
  name: UserName,
  role: Role,
  /** Absent: the new user gets an email with a link to set their own password. */
  password: Password.optional(),
});
export type CreateUser = z.infer<typeof CreateUser>;

export const UpdateUser = z
  .strictObject({
    email: Email,
    name: UserName,
    role: Role,
    disabled: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });
export type UpdateUser = z.infer<typeof UpdateUser>;

export const UserListQuery = PageQuery.extend({
  role: Role.optional(),
  q: z.string().trim().max(200).optional(),
});

/** A colleague as every signed-in user may see them (pickers for account teams, counterparts and actions). */
export const Colleague = z.object({ id: z.uuid(), name: z.string(), role: Role });
export type Colleague = z.infer<typeof Colleague>;

/** The same filters as the user list; `q` matches names only here (colleagues see no emails). */
export const ColleagueListQuery = UserListQuery;
