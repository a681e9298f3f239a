import type { EndpointFormat, Sender } from './types.js';
import { sendStandard } from './standard.js';
import { sendSlack } from './slack.js';
import { sendTeams } from './teams.js';

/**
 * One sender per endpoint format. The engine (webhook-engine.ts) looks the format up here for every attempt; a
 * format without an entry fails its attempt with a clear error rather than throwing, so the delivery log shows why.
 */
const senders: Partial<Record<EndpointFormat, Sender>> = {
  standard: sendStandard,
  slack: sendSlack,
  teams: sendTeams,
};

export function senderFor(format: EndpointFormat): Sender | null {
  return senders[format] ?? null;
}
