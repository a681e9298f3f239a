import { renderDetractorAlertTeams, renderRiskSummaryTeams } from '../../domain/chat-messages.js';
import { readChatEvent } from './chat-payloads.js';
import { postAndRead } from './standard.js';
import type { Sender } from './types.js';

/**
 * Posts one Adaptive Card to a Microsoft Teams webhook (a Workflows "when a Teams webhook request is received" flow,
 * or a classic incoming webhook): plain JSON over the engine's guarded fetch, no redirects followed (a redirect
 * could lead the request past the SSRF guard's address check to another host).
 */
export const sendTeams: Sender = async (target, event, context) => {
  const chat = readChatEvent(event);
  if (chat.kind === 'unsupported') return { ok: false, statusCode: null, responseExcerpt: null, error: chat.reason };
  const message = chat.kind === 'detractor.alert' ? renderDetractorAlertTeams(chat.payload) : renderRiskSummaryTeams(chat.payload);
  return postAndRead(context, target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    redirect: 'manual',
  });
};
