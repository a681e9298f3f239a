import { Resend, type CreateBatchOptions, type ErrorResponse } from 'resend';
import { MAX_BATCH, TransientSendError, type EmailTransport, type OutgoingEmail, type SendResult } from './transport.js';

export const RESEND_API_URL = 'https://api.resend.com';

export interface ResendTransportOptions {
  apiKey: string;
  /** Another API address (a test fake, a proxy); null or absent means Resend's own. */
  baseUrl?: string | null;
  /** Calls per second this transport allows itself (Resend's default team limit is 2). */
  requestsPerSecond: number;
  /** A call with no answer by then is abandoned as transient; the retry with the same key cannot send twice. */
  timeoutMs?: number;
}

/**
 * Sends through the official Resend SDK, one `POST /emails/batch` per call.
 *
 * SDK facts this relies on (resend@6, read in node_modules/resend/dist/index.mjs):
 * - `new Resend(key, { baseUrl })` takes the API address as an option; only when the option is absent does it
 *   read `process.env.RESEND_BASE_URL`. We always pass it, so config.ts stays the one place reading the env.
 * - The SDK never throws for HTTP or network failures: it resolves to `{ data, error, headers }`. For an
 *   error response with a JSON body, `error` is that body as sent (Resend's is `{ statusCode, name, message }`);
 *   for a non-JSON body it is `{ name: 'application_error', statusCode: <HTTP status> }`; for a network
 *   failure or timeout it is `{ name: 'application_error', statusCode: null }` and `headers` is null.
 *   `headers` is a plain object with lower-case names, so Retry-After is `headers['retry-after']`.
 * - `batch.send(emails, { idempotencyKey })` sends the `Idempotency-Key` header, and `x-batch-validation:
 *   strict` by default: one invalid email fails the whole batch and nothing is sent. Success is
 *   `{ data: { data: [{ id }, …] } }`, ids in request order. `replyTo` becomes `reply_to` on the wire.
 * - The SDK uses the global `fetch`; it has no option to inject another.
 */
export function createResendTransport(options: ResendTransportOptions): EmailTransport {
  if (!options.apiKey) throw new Error('createResendTransport needs an API key');
  const baseUrl = (options.baseUrl ?? RESEND_API_URL).replace(/\/+$/, '');
  const resend = new Resend(options.apiKey, { baseUrl });
  const waitForTurn = createMinIntervalLimiter(1000 / options.requestsPerSecond);
  const timeoutMs = options.timeoutMs ?? 30_000;

  return {
    name: 'resend',
    async sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendResult[]> {
      if (emails.length === 0) return [];
      if (emails.length > MAX_BATCH) throw new Error(`a batch holds at most ${MAX_BATCH} emails, got ${emails.length}`);
      await waitForTurn();

      let response: Awaited<ReturnType<typeof resend.batch.send>>;
      try {
        response = await resend.batch.send(emails.map(toResendEmail), {
          idempotencyKey,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        // The SDK rethrows an abort that lands while it reads an error body; anything thrown is transient.
        throw new TransientSendError(`Resend request failed: ${(error as Error).message}`);
      }

      const { data, error, headers } = response;
      if (error) {
        const failure = classifyError(error);
        if (failure === 'transient') {
          throw new TransientSendError(describeError(error), parseRetryAfter(headers?.['retry-after']));
        }
        const reason = describeError(error);
        return emails.map((email) => ({ messageId: email.messageId, ok: false, error: reason }));
      }

      const ids: { id?: unknown }[] = data?.data ?? [];
      if (ids.length !== emails.length || ids.some((item) => typeof item?.id !== 'string')) {
        // Not a shape Resend documents for strict batches. Not transient: a retry with this key would replay it.
        throw new Error(`Resend answered ${ids.length} ids for a batch of ${emails.length}`);
      }
      return emails.map((email, i) => ({ messageId: email.messageId, ok: true, providerId: ids[i]!.id as string }));
    },
  };
}

function toResendEmail(email: OutgoingEmail): CreateBatchOptions[number] {
  return {
    from: email.from,
    to: email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    ...(Object.keys(email.headers).length ? { headers: email.headers } : {}),
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
  };
}

/**
 * 429 (rate limit or quota), 5xx and no answer at all are worth retrying. So is a 409
 * `concurrent_idempotent_requests`: the first request with this key is still running, and Resend says to retry.
 * Any other 4xx is about the request itself, and would fail the same way again.
 */
function classifyError(error: ErrorResponse): 'transient' | 'permanent' {
  const status = typeof error.statusCode === 'number' ? error.statusCode : null;
  if (status === null) return 'transient'; // network failure, timeout, or an error body without a status
  if (status === 429 || status >= 500) return 'transient';
  if (error.name === 'concurrent_idempotent_requests') return 'transient';
  return status >= 400 ? 'permanent' : 'transient';
}

function describeError(error: ErrorResponse): string {
  const status = typeof error.statusCode === 'number' ? ` ${error.statusCode}` : '';
  return `Resend${status} ${error.name ?? 'error'}: ${error.message ?? 'no message'}`;
}

/** Retry-After is seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Spaces calls at least `intervalMs` apart, in the order they ask. Each caller reserves its slot synchronously,
 * so concurrent batches queue up instead of bursting. It only knows about this process: Resend's limit is per
 * team, so a separate worker process needs its share of the rate.
 */
export function createMinIntervalLimiter(intervalMs: number): () => Promise<void> {
  if (!(Number.isFinite(intervalMs) && intervalMs >= 0)) throw new Error('requestsPerSecond must be a positive number');
  let nextSlot = 0;
  return async () => {
    const now = Date.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + intervalMs;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  };
}
