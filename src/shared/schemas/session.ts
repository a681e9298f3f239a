import * as z from 'zod';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

/** One of the signed-in user's own browser sessions, as "Password and sessions" lists them. */
export const UserSession = z.object({
  id: z.uuid(),
  /** A short reading of the browser's user agent, e.g. "Firefox on Windows". */
  device: z.string(),
  /** The address it was opened from. */
  address: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  /** The session this request came with ("this device"). */
  current: z.boolean(),
});
export type UserSession = z.infer<typeof UserSession>;

export const UserSessionList = z.object({ data: z.array(UserSession) });
