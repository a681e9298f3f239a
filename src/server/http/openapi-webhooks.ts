import * as z from 'zod';
import { WebhookPayloads } from '../../shared/schemas/webhooks.js';

/*
 * The OpenAPI 3.1 `webhooks` section (issue 15): one entry per event Keypulse sends, with the request a receiver gets —
 * the Standard Webhooks envelope `{ type, timestamp, data }`, `data` being the event's versioned payload — and the
 * signing headers. Built from the same zod schemas the payloads are documented with.
 */

const signingHeaders = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: 'The event id (`msg_…`). The same for every retry and replay of the event: deduplicate on it.',
    schema: { type: 'string' },
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'Unix seconds when this attempt was signed. Refuse deliveries more than 5 minutes off your clock.',
    schema: { type: 'string' },
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      'Space-separated `v1,<base64 HMAC-SHA256>` signatures of `<webhook-id>.<webhook-timestamp>.<body>` with the ' +
      "endpoint's `whsec_` secret (base64 after the prefix); two during a secret rotation. Verify with any Standard " +
      'Webhooks library, e.g. `new Webhook(secret).verify(body, headers)`.',
    schema: { type: 'string' },
  },
];

function schemaOf(schema: z.ZodType) {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

export function buildWebhooksSection(): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  for (const [type, payload] of Object.entries(WebhookPayloads)) {
    section[type] = {
      post: {
        summary: payload.description ?? type,
        description:
          `Sent to endpoints subscribed to \`${type}\` (POST /api/webhooks). A 2xx answer accepts it; anything else, or no ` +
          'answer in 10 s, is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (a 429 Retry-After is honoured). ' +
          '410 Gone switches the endpoint off; so do five days of failures.',
        tags: ['Webhooks'],
        security: [],
        parameters: signingHeaders,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['type', 'timestamp', 'data'],
                properties: {
                  type: { const: type },
                  timestamp: { type: 'string', format: 'date-time', description: 'When the event happened' },
                  data: schemaOf(payload),
                },
              },
            },
          },
        },
        responses: { '2XX': { description: 'Accepted; not sent again' }, '410': { description: 'Gone: the endpoint is switched off' } },
      },
    };
  }
  return section;
}
