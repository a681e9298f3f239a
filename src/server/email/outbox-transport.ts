import { MAX_BATCH, type EmailTransport, type OutgoingEmail, type SendResult } from './transport.js';

/**
 * The transport used when RESEND_API_KEY is unset: nothing leaves the machine. The caller already keeps the
 * rendered email in the messages table, which is the outbox; "sending" only hands back a provider id.
 * The id is derived from the message id, so a retry of the same batch answers the same, like Resend would.
 */
export function createOutboxTransport(): EmailTransport {
  return {
    name: 'outbox',
    async sendBatch(emails: OutgoingEmail[]): Promise<SendResult[]> {
      // Same limit as Resend, so a caller that batches wrongly fails in development too.
      if (emails.length > MAX_BATCH) throw new Error(`a batch holds at most ${MAX_BATCH} emails, got ${emails.length}`);
      return emails.map((email) => ({ messageId: email.messageId, ok: true, providerId: `outbox_${email.messageId}` }));
    },
  };
}
