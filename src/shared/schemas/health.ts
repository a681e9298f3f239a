import * as z from 'zod';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

/** `GET /healthz`: the process is up. Says nothing about the database. */
export const Liveness = z.object({ status: z.literal('ok') });

/** `GET /readyz` when this process should get traffic: its database answers and has every migration applied. */
export const Readiness = z.object({
  status: z.literal('ready'),
  /** How many of the migrations this build ships the database has applied (all of them). */
  migrations: z.number().int(),
});

/** `GET /readyz` (503) when it should not, and why. */
export const NotReady = z.object({
  status: z.literal('not_ready'),
  reason: z.enum(['draining', 'database_unreachable', 'migrations_pending']),
  message: z.string(),
  /** With `migrations_pending`: the migrations the database lacks, by name. */
  pending: z.array(z.string()).optional(),
});
export type NotReady = z.infer<typeof NotReady>;
