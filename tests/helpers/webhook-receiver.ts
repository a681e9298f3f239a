import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake webhook receiver got, exactly as it came over the wire. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Decides the answer to each request (default: 200); may return a status or [status, headers]. */
  respond: (request: ReceivedWebhook, seenBefore: number) => number | [number, Record<string, string>];
  close(): Promise<void>;
}

/**
 * A Standard Webhooks receiver on 127.0.0.1 (the outside edge of outgoing webhooks): records every request with its
 * raw body, and answers as the test says, by how many times it has seen the same `webhook-id` before.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const seen = new Map<string, number>();
  const receiver: WebhookReceiver = {
    url: '',
    port: 0,
    received: [],
    respond: () => 200,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: ReceivedWebhook = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: 0 };
      const id = String(req.headers['webhook-id'] ?? '');
      const before = seen.get(id) ?? 0;
      seen.set(id, before + 1);
      const answer = receiver.respond(request, before);
      const [status, headers] = Array.isArray(answer) ? answer : [answer, {}];
      request.status = status;
      receiver.received.push(request);
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(status >= 200 && status < 300 ? 'ok' : `nope ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks/keypulse`;
  return receiver;
}
