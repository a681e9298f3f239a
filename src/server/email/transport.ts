/** One email ready to hand to a transport. `messageId` is our messages.id. */
export interface OutgoingEmail {
  messageId: string;
  to: string;
  from: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export type SendResult =
  | { messageId: string; ok: true; providerId: string }
  | { messageId: string; ok: false; error: string };

/** Thrown for failures worth retrying (429, 5xx, network): the job is retried with backoff. */
export class TransientSendError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Sends a batch (≤ 100). The same idempotency key with the same batch must never send twice,
 * so a crash between sending and recording the result is safe to retry.
 * Permanent per-message failures come back as `ok: false`; transient ones throw TransientSendError.
 */
export interface EmailTransport {
  readonly name: 'outbox' | 'resend';
  sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendResult[]>;
}

export const MAX_BATCH = 100;
