import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signSvixPayload } from '../../src/server/email/webhook-signature.js';

/**
 * A loopback stand-in for the Resend HTTP API that the real SDK talks to (pass `url` as the base URL).
 * It implements what Keypulse uses: POST /emails and POST /emails/batch, with Resend's auth, validation,
 * error bodies (`{ statusCode, name, message }`) and Idempotency-Key rules:
 * - same key, same endpoint and payload → the first answer again, nothing recorded twice;
 * - same key, another payload → 409 `invalid_idempotent_request`.
 * Only accepted requests are remembered under their key; scripted failures and validation errors are not.
 */

export const FAKE_RESEND_API_KEY = 're_test_fake_key';
export const FAKE_WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export interface RecordedEmail {
  id: string;
  to: string | string[];
  from: string;
  reply_to?: string | string[];
  subject: string;
  html?: string;
  text?: string;
  headers: Record<string, string>;
  idempotencyKey: string | null;
  endpoint: '/emails' | '/emails/batch';
}

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** Milliseconds (performance.now) when the request arrived. */
  at: number;
  /** The status answered; null when the socket was destroyed instead. */
  status: number | null;
}

export interface FakeResend {
  url: string;
  apiKey: string;
  /** Every accepted email, in order, once each. */
  emails(): RecordedEmail[];
  requests(): RecordedRequest[];
  /** The next `n` send requests (after the auth check) answer `status` with Resend's error body, or `body`. */
  failNext(n: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  /**
   * The next `n` valid send requests are accepted and recorded (and their answer stored under the idempotency
   * key), then the connection is destroyed before any response: a worker that never learns the result.
   */
  crashAfterAccept(n?: number): void;
  /** A signed webhook delivery about an accepted email, as Resend would POST it to us. */
  webhookEvent(
    emailId: string,
    type: string,
    options?: { secret?: string; now?: Date; data?: Record<string, unknown>; id?: string },
  ): { headers: Record<string, string>; body: string };
  reset(): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const defaultErrorName: Record<number, string> = {
  400: 'validation_error',
  401: 'missing_api_key',
  403: 'invalid_api_key',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'concurrent_idempotent_requests',
  422: 'validation_error',
  429: 'rate_limit_exceeded',
  500: 'internal_server_error',
};

const errorBody = (statusCode: number, name: string, message: string) => ({ statusCode, name, message });

function defaultFailure(status: number): unknown {
  const name = defaultErrorName[status] ?? 'application_error';
  const message =
    status === 429
      ? 'Too many requests. You can only make 2 requests per second.'
      : status >= 500
        ? 'An unexpected error occurred.'
        : `Scripted ${status} failure.`;
  return errorBody(status, name, message);
}

const MAX_BATCH = 100;
const MAX_RECIPIENTS = 50;
const emailLike = /^[^\s@<>]+@[^\s@<>]+$/;
const addressOk = (value: string) => emailLike.test(value) || /^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/.test(value.trim());

/** Resend-like validation of one email; a message when it is not acceptable. */
function validateEmail(email: unknown): { status: number; name: string; message: string } | null {
  if (typeof email !== 'object' || email === null || Array.isArray(email)) {
    return { status: 422, name: 'validation_error', message: 'The email must be an object.' };
  }
  const e = email as Record<string, unknown>;
  for (const field of ['from', 'to', 'subject']) {
    const value = e[field];
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
      return { status: 422, name: 'missing_required_field', message: `Missing \`${field}\` field.` };
    }
  }
  if (e.html === undefined && e.text === undefined && e.template === undefined) {
    return { status: 422, name: 'missing_required_field', message: 'Missing `html` or `text` field.' };
  }
  if (typeof e.from !== 'string' || !addressOk(e.from)) {
    return {
      status: 422,
      name: 'validation_error',
      message: 'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
    };
  }
  for (const field of ['to', 'reply_to', 'cc', 'bcc']) {
    if (e[field] === undefined) continue;
    const list = Array.isArray(e[field]) ? (e[field] as unknown[]) : [e[field]];
    if (list.length > MAX_RECIPIENTS) {
      return { status: 422, name: 'validation_error', message: `Too many recipients in \`${field}\`: at most ${MAX_RECIPIENTS}.` };
    }
    if (!list.every((v) => typeof v === 'string' && addressOk(v))) {
      return {
        status: 422,
        name: 'validation_error',
        message: `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
      };
    }
  }
  if (typeof e.subject !== 'string') return { status: 422, name: 'validation_error', message: 'Invalid `subject` field.' };
  if (e.headers !== undefined) {
    const h = e.headers;
    if (typeof h !== 'object' || h === null || Object.values(h).some((v) => typeof v !== 'string')) {
      return { status: 422, name: 'validation_error', message: 'Invalid `headers` field: values must be strings.' };
    }
  }
  return null;
}

/** Key order must not make "the same payload" look different. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeResend(options: { apiKey?: string } = {}): Promise<FakeResend> {
  const apiKey = options.apiKey ?? FAKE_RESEND_API_KEY;
  let recorded: RecordedEmail[] = [];
  let requestLog: RecordedRequest[] = [];
  let failures: Answer[] = [];
  let crashes = 0;
  let idempotency = new Map<string, { fingerprint: string; answer: Answer }>();

  function send(res: ServerResponse, log: RecordedRequest, answer: Answer) {
    log.status = answer.status;
    const isText = typeof answer.body === 'string';
    res.writeHead(answer.status, {
      'content-type': isText ? 'text/html; charset=utf-8' : 'application/json',
      ...answer.headers,
    });
    res.end(isText ? (answer.body as string) : JSON.stringify(answer.body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    const keyHeader = req.headers['idempotency-key'];
    const idempotencyKey = typeof keyHeader === 'string' ? keyHeader : null;
    const log: RecordedRequest = { method: req.method ?? '', path, idempotencyKey, at: performance.now(), status: null };
    requestLog.push(log);
    const raw = await readBody(req);

    const endpoint = path === '/emails' || path === '/emails/batch' ? path : null;
    if (!endpoint) return send(res, log, { status: 404, body: errorBody(404, 'not_found', 'The requested endpoint does not exist.') });
    if (req.method !== 'POST') {
      return send(res, log, { status: 405, body: errorBody(405, 'method_not_allowed', 'Method is not allowed for the requested path.') });
    }

    const auth = req.headers.authorization;
    if (!auth) return send(res, log, { status: 401, body: errorBody(401, 'missing_api_key', 'Missing API key in the authorization header.') });
    if (auth !== `Bearer ${apiKey}`) return send(res, log, { status: 403, body: errorBody(403, 'invalid_api_key', 'API key is invalid.') });

    const failure = failures.shift();
    if (failure) return send(res, log, failure);

    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      return send(res, log, { status: 400, body: errorBody(400, 'validation_error', 'Invalid JSON body.') });
    }

    if (idempotencyKey !== null) {
      if (idempotencyKey.length < 1 || idempotencyKey.length > 256) {
        return send(res, log, {
          status: 400,
          body: errorBody(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.'),
        });
      }
      const fingerprint = `${endpoint} ${canonical(payload)}`;
      const seen = idempotency.get(idempotencyKey);
      if (seen && seen.fingerprint !== fingerprint) {
        return send(res, log, {
          status: 409,
          body: errorBody(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.'),
        });
      }
      if (seen) return send(res, log, seen.answer); // a replay, never a crash: nothing new is accepted
    }

    let answer: Answer;
    if (endpoint === '/emails') {
      const problem = validateEmail(payload);
      if (problem) return send(res, log, { status: problem.status, body: errorBody(problem.status, problem.name, problem.message) });
      const [id] = accept([payload as Record<string, unknown>], endpoint, idempotencyKey);
      answer = { status: 200, body: { id } };
    } else {
      if (!Array.isArray(payload) || payload.length === 0) {
        return send(res, log, { status: 422, body: errorBody(422, 'validation_error', 'The batch must be a non-empty array of emails.') });
      }
      if (payload.length > MAX_BATCH) {
        return send(res, log, { status: 422, body: errorBody(422, 'validation_error', `Too many emails: at most ${MAX_BATCH} per batch.`) });
      }
      const permissive = req.headers['x-batch-validation'] === 'permissive';
      const problems = payload.map((email, index) => ({ index, problem: validateEmail(email) }));
      const invalid = problems.filter((p) => p.problem);
      if (invalid.length && !permissive) {
        const first = invalid[0]!;
        return send(res, log, {
          status: first.problem!.status,
          body: errorBody(first.problem!.status, first.problem!.name, `emails[${first.index}]: ${first.problem!.message}`),
        });
      }
      const valid = payload.filter((_, i) => !problems[i]!.problem) as Record<string, unknown>[];
      const ids = valid.length ? accept(valid, endpoint, idempotencyKey) : [];
      answer = {
        status: 200,
        body: permissive
          ? { data: ids.map((id) => ({ id })), errors: invalid.map((p) => ({ index: p.index, message: p.problem!.message })) }
          : { data: ids.map((id) => ({ id })) },
      };
    }

    if (idempotencyKey !== null) idempotency.set(idempotencyKey, { fingerprint: `${endpoint} ${canonical(payload)}`, answer });
    if (crashes > 0) {
      crashes--;
      req.socket.destroy();
      return;
    }
    send(res, log, answer);
  }

  function accept(emails: Record<string, unknown>[], endpoint: RecordedEmail['endpoint'], key: string | null): string[] {
    return emails.map((e) => {
      const id = randomUUID();
      recorded.push({
        id,
        to: e.to as string | string[],
        from: e.from as string,
        ...(e.reply_to !== undefined ? { reply_to: e.reply_to as string | string[] } : {}),
        subject: e.subject as string,
        ...(typeof e.html === 'string' ? { html: e.html } : {}),
        ...(typeof e.text === 'string' ? { text: e.text } : {}),
        headers: (e.headers as Record<string, string> | undefined) ?? {},
        idempotencyKey: key,
        endpoint,
      });
      return id;
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorBody(500, 'internal_server_error', `fake-resend bug: ${String(error)}`)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    emails: () => recorded.map((e) => ({ ...e, headers: { ...e.headers } })),
    requests: () => requestLog.map((r) => ({ ...r })),
    failNext(n, status, body, headers) {
      const extra = headers ?? (status === 429 ? { 'retry-after': '1' } : undefined);
      for (let i = 0; i < n; i++) failures.push({ status, body: body ?? defaultFailure(status), headers: extra });
    },
    crashAfterAccept(n = 1) {
      crashes += n;
    },
    webhookEvent(emailId, type, opts = {}) {
      const email = recorded.find((e) => e.id === emailId);
      const now = opts.now ?? new Date();
      const body = JSON.stringify({
        type,
        created_at: now.toISOString(),
        data: {
          email_id: emailId,
          created_at: now.toISOString(),
          from: email?.from ?? '',
          to: email ? (Array.isArray(email.to) ? email.to : [email.to]) : [],
          subject: email?.subject ?? '',
          ...opts.data,
        },
      });
      const id = opts.id ?? `msg_${randomUUID().replace(/-/g, '')}`;
      const timestamp = String(Math.floor(now.getTime() / 1000));
      const signature = signSvixPayload({ secret: opts.secret ?? FAKE_WEBHOOK_SECRET, id, timestamp, body });
      return {
        headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': signature },
        body,
      };
    },
    reset() {
      recorded = [];
      requestLog = [];
      failures = [];
      crashes = 0;
      idempotency = new Map();
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
