import * as z from 'zod';
import { Email, PageQuery } from './common.js';

export const Role = z.enum(['admin', 'executive', 'account_manager']);
export type Role = z.infer<typeof Role>;

export const Password = z
  .string()
  .min(10, { message: 'must be at least 10 characters' })
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
  password: Password,
});
export type CreateUser = z.infer<typeof CreateUser>;

export const UpdateUser = z
  .strictObject({
    email: Email,
    name: UserName,
    role: Role,
    password: Password,
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
