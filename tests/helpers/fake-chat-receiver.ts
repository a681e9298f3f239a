import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for a Slack incoming webhook or a Teams (Workflows) webhook: it records every POST with its
 * JSON body and answers as the service does — Slack `200 ok`, Teams `202` — unless told to fail the next requests
 * (e.g. `429` with `Retry-After`, as Slack rate-limits). Bound to 127.0.0.1; tests allow it with
 * `webhookAllowPrivate: ['127.0.0.1']`.
 */
export interface ReceivedChatMessage {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** The status answered. */
  status: number;
}

export interface FakeChatReceiver {
  /** The webhook URL to register (with a secret-looking path, as Slack's and Teams' URLs have). */
  url: string;
  /** Every request, in order, including those answered with an error. */
  requests(): ReceivedChatMessage[];
  /** The requests answered with a 2xx: the messages that reached the channel. */
  accepted(): ReceivedChatMessage[];
  failNext(n: number, status: number, headers?: Record<string, string>, body?: string): void;
  /** Resolves once `n` messages were accepted, or rejects at the deadline. */
  waitForAccepted(n: number, timeoutMs?: number): Promise<ReceivedChatMessage[]>;
  close(): Promise<void>;
}

export async function startFakeChatReceiver(kind: 'slack' | 'teams'): Promise<FakeChatReceiver> {
  const received: ReceivedChatMessage[] = [];
  const failures: { status: number; headers: Record<string, string>; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: any = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      const failure = failures.shift();
      if (failure) {
        received.push({ path: req.url ?? '', headers: req.headers, body, status: failure.status });
        res.writeHead(failure.status, { 'content-type': 'text/plain', ...failure.headers });
        res.end(failure.body);
        return;
      }
      // Slack refuses a message without text or blocks (`no_text`), as the real one does.
      if (kind === 'slack' && (!body || typeof body !== 'object' || (!body.text && !body.blocks))) {
        received.push({ path: req.url ?? '', headers: req.headers, body, status: 400 });
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('no_text');
        return;
      }
      const status = kind === 'slack' ? 200 : 202;
      received.push({ path: req.url ?? '', headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(kind === 'slack' ? 'ok' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const path = kind === 'slack' ? '/services/T0TEST/B0TEST/xoxSecretPart42' : '/workflows/abc123/triggers/manual/paths/invoke?sig=SecretSig42';
  const accepted = () => received.filter((r) => r.status >= 200 && r.status < 300);
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests: () => [...received],
    accepted,
    failNext(n, status, headers = {}, body = status === 429 ? 'rate_limited' : 'error') {
      for (let i = 0; i < n; i++) failures.push({ status, headers, body });
    },
    async waitForAccepted(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (accepted().length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} accepted messages, got ${accepted().length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return accepted();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
