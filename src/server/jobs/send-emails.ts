import { createHash } from 'node:crypto';
import type { AppDeps } from '../http/context.js';
import { cancelMessages, claimAttempt, loadQueuedBatch, loadQueuedNotifications, recordSent, type SentRecord } from '../db/queries/messages.js';
import { messages } from '../db/schema/index.js';
import { eq, and } from 'drizzle-orm';
import { emailHeaders, renderSurveyInvitation } from '../email/templates.js';
import { PASSWORD_RESET_PURPOSE } from '../db/queries/password-resets.js';
import type { OutgoingEmail } from '../email/transport.js';
import { localize } from '../../shared/i18n.js';
import { brandOf } from '../services/settings.js';

export const SEND_EMAILS = 'send-emails';
export interface SendEmailsData {
  batchKey: string;
}

type BatchRow = Awaited<ReturnType<typeof loadQueuedBatch>>[number];

/** Why a queued email should no longer go out, if it should not. */
function reasonToDrop(row: BatchRow, now: Date): string | null {
  if (row.contact.unsubscribed) return 'contact unsubscribed';
  if (row.contact.bounced) return 'contact address bounced';
  if (row.campaign.status === 'cancelled' || row.invitation.status === 'cancelled') return 'campaign cancelled';
  if (row.message.kind === 'reminder') {
    if (row.invitation.respondedAt) return 'already answered';
    if (row.invitation.expiresAt && row.invitation.expiresAt <= now) return 'link expired';
  }
  return null;
}

export function renderSurveyEmail(deps: AppDeps, row: BatchRow): OutgoingEmail & { subject: string } {
  const { config, links } = deps;
  const lang = row.invitation.language;
  const surveyUrl = `${config.publicUrl}/s/${links.survey(row.invitation.id)}`;
  const unsubscribeUrl = `${config.publicUrl}/u/${links.unsubscribe(row.invitation.id)}`;
  const definition = row.survey.definition;
  const nps = definition.questions.find((q) => q.kind === 'nps');
  const vars = { company: config.companyName };
  const content = renderSurveyInvitation({
    lang,
    contactName: row.contact.name,
    ownerName: row.owner.name,
    companyName: config.companyName,
    surveyKind: row.survey.kind,
    surveyTitle: localize(definition.title, lang, vars),
    npsQuestion: nps ? localize(nps.text, lang, vars) : null,
    surveyUrl,
    unsubscribeUrl,
    reminder: row.message.kind === 'reminder',
    brand: brandOf(config, config.publicUrl),
  });
  return {
    messageId: row.message.id,
    to: row.message.toAddress,
    from: config.email.from,
    replyTo: row.owner.email,
    subject: content.subject,
    html: content.html,
    text: content.text,
    headers: emailHeaders(unsubscribeUrl),
  };
}

/** The provider idempotency key: the same batch of messages always yields the same key. */
export function idempotencyKey(batchKey: string, messageIds: string[]): string {
  const digest = createHash('sha256').update(batchKey).update([...messageIds].sort().join(',')).digest('base64url');
  return `kp-${digest.slice(0, 40)}`;
}

/**
 * Leases are short (queue.ts: a crashed worker's batch goes out within two minutes of restart), so a run that outlives
 * its lease can meet its own retry. Of two runs of a batch only the one that claims it sends; the other fails and is
 * retried, and then finds the batch attempted: frozen, re-sent as before under the same key.
 */
async function claimOrRetry(db: AppDeps['db'], read: { id: string; attempts: number }[], now: Date) {
  if (!(await claimAttempt(db, read, now))) throw new Error('another run of this batch is sending it; retrying later');
}

/**
 * Sends one batch. Safe to run twice and to crash anywhere: a batch that was ever attempted is re-sent
 * exactly as before (same messages, same bytes, same idempotency key), so the provider drops the repeat.
 */
export async function sendEmails(deps: AppDeps, data: SendEmailsData): Promise<void> {
  const { db, clock, transport } = deps;
  const now = clock.now();
  const notifications = await loadQueuedNotifications(db, data.batchKey);
  if (notifications.length) return sendNotifications(deps, data.batchKey, notifications);
  let rows = await loadQueuedBatch(db, data.batchKey);
  if (!rows.length) return;

  // Only a batch that has never been attempted may shrink; once attempted, its contents are frozen.
  if (rows.every((r) => r.message.attempts === 0)) {
    const dropped = rows.map((r) => ({ r, why: reasonToDrop(r, now) })).filter((x) => x.why);
    for (const why of new Set(dropped.map((d) => d.why!))) {
      await cancelMessages(db, dropped.filter((d) => d.why === why).map((d) => d.r.message.id), why, now);
    }
    rows = rows.filter((r) => !dropped.some((d) => d.r === r));
    if (!rows.length) return;
  }

  const emails = rows.map((row) => renderSurveyEmail(deps, row));
  const ids = emails.map((e) => e.messageId);
  await claimOrRetry(db, rows.map((r) => r.message), now);
  const results = await transport.sendBatch(emails, idempotencyKey(data.batchKey, ids));

  const keepContent = transport.name === 'outbox';
  const byId = new Map(rows.map((r, i) => [r.message.id, { row: r, email: emails[i]! }]));
  const sent: SentRecord[] = [];
  const failed: { messageId: string; error: string }[] = [];
  for (const result of results) {
    const item = byId.get(result.messageId)!;
    if (result.ok) {
      sent.push({
        messageId: result.messageId,
        invitationId: item.row.invitation.id,
        sequence: item.row.message.sequence,
        providerId: result.providerId,
        subject: item.email.subject,
        html: keepContent ? item.email.html : null,
        text: keepContent ? item.email.text : null,
      });
    } else failed.push({ messageId: result.messageId, error: result.error });
  }
  await recordSent(db, transport.name, sent, failed, clock.now());
}

/** Notifications were rendered when queued: they go out exactly as stored, under the same idempotency rules. */
async function sendNotifications(deps: AppDeps, batchKey: string, rows: Awaited<ReturnType<typeof loadQueuedNotifications>>) {
  const { db, clock, transport, config } = deps;
  const emails: OutgoingEmail[] = rows.map((m) => ({
    messageId: m.id,
    to: m.toAddress,
    from: config.email.from,
    ...(m.replyTo ? { replyTo: m.replyTo } : {}),
    subject: m.subject ?? '',
    html: m.html ?? '',
    text: m.text ?? '',
    headers: m.headers ?? {},
  }));
  const ids = emails.map((e) => e.messageId);
  await claimOrRetry(db, rows, clock.now());
  const results = await transport.sendBatch(emails, idempotencyKey(batchKey, ids));
  const now = clock.now();
  // A password link is kept only until the provider has it; the local outbox is the mailbox, so it keeps it.
  const carriesLink = new Set(rows.filter((m) => m.purpose === PASSWORD_RESET_PURPOSE).map((m) => m.id));
  await db.transaction(async (tx) => {
    for (const result of results) {
      const scrub = transport.name !== 'outbox' && carriesLink.has(result.messageId) ? { html: null, text: null } : {};
      await tx
        .update(messages)
        .set(
          result.ok
            ? { status: 'sent', transport: transport.name, providerId: result.providerId, sentAt: now, updatedAt: now, ...scrub }
            : { status: 'failed', transport: transport.name, error: result.error.slice(0, 1000), updatedAt: now, ...scrub },
        )
        .where(and(eq(messages.id, result.messageId), eq(messages.status, 'queued')));
    }
  });
}
