import { DetractorAlertPayload, RiskSummaryPayload } from '../../../shared/schemas/chat-channels.js';
import type { EventToSend } from './types.js';

/**
 * The event's frozen payload, read back with its schema before a chat message is rendered from it: an event of a
 * type a chat channel cannot show, or a payload of another shape, fails its attempt with a reason instead of
 * posting a broken message.
 */
export type ChatEvent =
  | { kind: 'detractor.alert'; payload: DetractorAlertPayload }
  | { kind: 'risk.summary'; payload: RiskSummaryPayload }
  | { kind: 'unsupported'; reason: string };

export function readChatEvent(event: EventToSend): ChatEvent {
  if (event.type === 'detractor.alert') {
    const parsed = DetractorAlertPayload.safeParse(event.payload);
    return parsed.success ? { kind: 'detractor.alert', payload: parsed.data } : { kind: 'unsupported', reason: 'detractor.alert payload not understood' };
  }
  if (event.type === 'risk.summary') {
    const parsed = RiskSummaryPayload.safeParse(event.payload);
    return parsed.success ? { kind: 'risk.summary', payload: parsed.data } : { kind: 'unsupported', reason: 'risk.summary payload not understood' };
  }
  return { kind: 'unsupported', reason: `a chat channel does not show ${event.type.slice(0, 60)} events` };
}
