import { Webhook } from 'standardwebhooks';
import type { AttemptResult, DeliveryTarget, EventToSend, SendContext, Sender } from './types.js';

/** Sent with every request, so receivers (and their firewalls) can tell our deliveries apart. */
export const USER_AGENT = 'Keypulse-Webhooks/1';
const EXCERPT_CHARS = 500;

/**
 * The exact bytes sent for an event: Standard Webhooks' recommended envelope `{ type, timestamp, data }`, with the
 * payload version inside `data`. Built from the stored event alone (its own creation time, not the attempt's), so a
 * retry or a replay sends the same bytes under the same `webhook-id`.
 */
export function renderStandardBody(event: EventToSend): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: { version: event.version, ...event.payload },
  });
}

/**
 * The Standard Webhooks headers. The signature is made by the `standardwebhooks` library (never a hand-rolled HMAC),
 * once per secret: during a rotation the receiver may hold either, and the spec sends them space-separated.
 */
export function signStandard(secrets: string[], eventId: string, at: Date, body: string): Record<string, string> {
  const timestamp = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const signatures = secrets.map((secret) => new Webhook(secret).sign(eventId, timestamp, body));
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

export const sendStandard: Sender = async (target: DeliveryTarget, event: EventToSend, context: SendContext) => {
  if (target.secrets.length === 0) return failure(null, 'endpoint has no signing secret');
  const body = renderStandardBody(event);
  const headers = {
    ...signStandard(target.secrets, event.id, context.now, body),
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
  };
  return postAndRead(context, target.url, { method: 'POST', headers, body, redirect: 'manual' });
};

/**
 * One POST through the guarded fetch, read into an AttemptResult: 2xx is success; 429 carries its Retry-After. The
 * error text never holds the URL (it may carry a credential).
 */
export async function postAndRead(context: SendContext, url: string, init: RequestInit): Promise<AttemptResult> {
  let response: Response;
  try {
    response = await context.guardedFetch(url, { ...init, signal: context.signal });
  } catch (error) {
    return failure(null, describeFetchError(error));
  }
  const excerpt = await readExcerpt(response);
  const ok = response.status >= 200 && response.status < 300;
  const result: AttemptResult = {
    ok,
    statusCode: response.status,
    responseExcerpt: excerpt,
    error: ok ? null : `receiver answered ${response.status}`,
  };
  if (response.status === 429) {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), context.now);
    if (retryAfter !== null) result.retryAfterSeconds = retryAfter;
  }
  return result;
}

function failure(statusCode: number | null, error: string): AttemptResult {
  return { ok: false, statusCode, responseExcerpt: null, error };
}

async function readExcerpt(response: Response): Promise<string | null> {
  try {
    const text = await response.text();
    return text ? text.slice(0, EXCERPT_CHARS) : null;
  } catch {
    return null;
  }
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** A short reason without the URL: `address not allowed`, `timed out`, `connection refused`, … */
export function describeFetchError(error: unknown): string {
  const seen = new Set<unknown>();
  let current: any = error;
  while (current && !seen.has(current)) {
    seen.add(current);
    if (current.code === 'ADDRESS_NOT_ALLOWED' || current.name === 'AddressNotAllowedError') return 'address not allowed';
    if (current.name === 'TimeoutError' || current.name === 'AbortError') return 'timed out';
    if (current.code === 'ECONNREFUSED') return 'connection refused';
    if (current.code === 'ENOTFOUND' || current.code === 'EAI_AGAIN') return 'host not found';
    if (current.code === 'ECONNRESET') return 'connection reset';
    if (typeof current.code === 'string' && /^(CERT|ERR_TLS|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(current.code)) return 'TLS error';
    current = current.cause;
  }
  return 'request failed';
}
