import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback pass-through in front of the Resend fake (tests/helpers/fake-resend.ts), one per process under test:
 * it counts the emails the provider accepted from that process, and can hold requests (a provider that is slow to
 * answer) until released. The fake behind it stays the one provider every process shares, idempotency keys and all.
 */
export interface ResendTap {
  /** Give this to the process as RESEND_BASE_URL. */
  url: string;
  /** Emails the provider accepted through this tap (answers the process may or may not have lived to read). */
  accepted(): number;
  /** Requests that reached the provider through this tap. */
  requests(): number;
  /** From now on requests wait here until `release()`. */
  hold(): void;
  /** Requests waiting here. */
  held(): number;
  release(): void;
  close(): Promise<void>;
}

export async function startResendTap(providerUrl: string): Promise<ResendTap> {
  const target = new URL(providerUrl);
  let accepted = 0;
  let requests = 0;
  let holding = false;
  let waiting: (() => void)[] = [];

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    requests++;
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const text = Buffer.concat(chunks);
          if (answer.statusCode === 200) {
            try {
              const parsed = JSON.parse(text.toString('utf8')) as { data?: unknown[]; id?: string };
              accepted += Array.isArray(parsed.data) ? parsed.data.length : parsed.id ? 1 : 0;
            } catch {
              // not an answer about emails
            }
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(text);
        });
      },
    );
    // The process under test may have died meanwhile: nobody to answer, and nothing to report.
    upstream.on('error', () => res.destroy());
    res.on('error', () => {});
    upstream.end(body);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const go = () => forward(req, res, Buffer.concat(chunks));
      if (holding) waiting.push(go);
      else go();
    });
    req.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    requests: () => requests,
    hold() {
      holding = true;
    },
    held: () => waiting.length,
    release() {
      holding = false;
      const go = waiting;
      waiting = [];
      for (const run of go) run();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
