import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError, type FetchFunction } from '@slack/webhook';
import { renderDetractorAlertSlack, renderRiskSummarySlack } from '../../domain/chat-messages.js';
import { readChatEvent } from './chat-payloads.js';
import { describeFetchError, parseRetryAfter } from './standard.js';
import type { AttemptResult, Sender } from './types.js';

/** Slack answers within a few seconds or not at all; the engine's own signal still bounds the whole attempt. */
export const SLACK_TIMEOUT_MS = 10_000;
const EXCERPT_CHARS = 500;

/**
 * Posts one Block Kit message to a Slack incoming webhook with Slack's own client (@slack/webhook). Its retries are
 * off — the engine retries, with backoff and the delivery log — and its requests go through the engine's guarded
 * fetch (SSRF guard). @slack/webhook's HTTP error carries the status and body but not the headers, so the response
 * is kept on the way past to read Slack's Retry-After on a 429.
 */
export const sendSlack: Sender = async (target, event, context) => {
  const chat = readChatEvent(event);
  if (chat.kind === 'unsupported') return { ok: false, statusCode: null, responseExcerpt: null, error: chat.reason };
  const message = chat.kind === 'detractor.alert' ? renderDetractorAlertSlack(chat.payload) : renderRiskSummarySlack(chat.payload);

  let last: Response | null = null;
  const fetchThroughGuard: FetchFunction = async (url, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, context.signal]) : context.signal;
    last = await context.guardedFetch(String(url), { ...(init as RequestInit), signal });
    return last;
  };
  const webhook = new IncomingWebhook(target.url, { fetch: fetchThroughGuard, timeout: SLACK_TIMEOUT_MS, retryConfig: { retries: 0 } });
  try {
    const result = await webhook.send({ text: message.text, blocks: message.blocks as never, unfurl_links: false, unfurl_media: false });
    return { ok: true, statusCode: (last as Response | null)?.status ?? 200, responseExcerpt: excerpt(result.text), error: null };
  } catch (error) {
    if (error instanceof IncomingWebhookHTTPError) {
      const failed: AttemptResult = {
        ok: false,
        statusCode: error.statusCode,
        responseExcerpt: excerpt(error.body),
        // Slack's body is a short code (`invalid_blocks`, `no_service`, `channel_is_archived`): safe and useful.
        error: `Slack answered ${error.statusCode}${error.body ? ` ${excerpt(error.body, 80)}` : ''}`,
      };
      if (error.statusCode === 429) {
        const retryAfter = parseRetryAfter((last as Response | null)?.headers.get('retry-after') ?? null, context.now);
        if (retryAfter !== null) failed.retryAfterSeconds = retryAfter;
      }
      return failed;
    }
    const cause = error instanceof IncomingWebhookRequestError ? error.original : error;
    return { ok: false, statusCode: null, responseExcerpt: null, error: describeFetchError(cause) };
  }
};

function excerpt(text: string | null | undefined, max = EXCERPT_CHARS): string | null {
  return text ? text.slice(0, max) : null;
}
