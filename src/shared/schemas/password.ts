import * as z from 'zod';
import { Email } from './common.js';
import { Password } from './user.js';

/** A password someone already has: checked, never judged (old passwords may predate today's rules). */
const CurrentPassword = z.string().min(1, { message: 'is required' }).max(200);

export const ChangePassword = z.strictObject({
  currentPassword: CurrentPassword,
  newPassword: Password,
});
export type ChangePassword = z.infer<typeof ChangePassword>;

export const PasswordResetRequest = z.strictObject({ email: Email });
export type PasswordResetRequest = z.infer<typeof PasswordResetRequest>;

/** The same answer whatever the email: whether an account exists is nobody's business. */
export const PasswordResetAccepted = z.object({ message: z.string() });

export const PasswordResetConfirm = z.strictObject({
  /** From the emailed link (`/reset-password?token=…`). */
  token: z.string().min(1, { message: 'is required' }).max(200),
  password: Password,
});
export type PasswordResetConfirm = z.infer<typeof PasswordResetConfirm>;
