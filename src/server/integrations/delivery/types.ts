import type { Agent } from 'node:http';

/*
 * The contract between the delivery engine (queue, retries, log, auto-disable, SSRF guard) and the senders, one per
 * endpoint format: `standard` (Standard Webhooks, signed JSON), `slack` (Block Kit through @slack/webhook), `teams`
 * (Adaptive Card). The engine decides when and whether to send; a sender only renders and makes one HTTP request.
 */

export type EndpointFormat = 'standard' | 'slack' | 'teams';

export interface DeliveryTarget {
  endpointId: string;
  format: EndpointFormat;
  /** Unsealed URL. */
  url: string;
  /** Standard Webhooks secrets (`whsec_…`) to sign with: the current one, plus the previous during a rotation. */
  secrets: string[];
}

export interface EventToSend {
  /** `msg_…`, sent as `webhook-id`. */
  id: string;
  type: string;
  version: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface SendContext {
  /** The time of this attempt (the engine's clock; tests use a fake one). */
  now: Date;
  /** Aborts a request that takes too long (the engine's timeout). */
  signal: AbortSignal;
  /**
   * An http(s) agent whose DNS lookup refuses private, loopback and link-local addresses unless the installation
   * allows them (SSRF guard, checked again at connect time so a DNS answer that changes cannot slip through).
   * Senders must send through it: `fetch` via `guardedFetch`, @slack/webhook via its `agent` option.
   */
  agent: Agent;
  guardedFetch: (url: string, init: RequestInit) => Promise<Response>;
}

export interface AttemptResult {
  ok: boolean;
  /** Null when no HTTP response came back. */
  statusCode: number | null;
  /** The first 500 characters of the response body. */
  responseExcerpt: string | null;
  /** Why it failed, without secrets or URLs. */
  error: string | null;
  /** The receiver asked us to wait (429 Retry-After): the next attempt is not before this. */
  retryAfterSeconds?: number;
}

export type Sender = (target: DeliveryTarget, event: EventToSend, context: SendContext) => Promise<AttemptResult>;
