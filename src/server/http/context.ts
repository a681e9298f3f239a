import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Actor } from '../domain/permissions.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { LinkTokens } from '../auth/link-tokens.js';
import type { EmailTransport } from '../email/transport.js';
import type { JobQueue } from '../jobs/queue.js';
import type { AnswerWrites } from '../services/answer-writes.js';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Everything the app needs from outside, passed in once so tests can build it the same way. */
export interface AppDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  loginThrottle: LoginThrottle;
  /** Survey and unsubscribe link tokens. */
  links: LinkTokens;
  /** Resend when configured, else the local outbox. */
  transport: EmailTransport;
  jobs: JobQueue;
  /** Survey answers by link, written together when they arrive together. */
  answerWrites: AnswerWrites;
}

export type { Actor };

export interface AuthContext {
  user: Actor;
  via: 'session' | 'api_key';
  sessionId?: string;
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    auth: AuthContext | null;
    requestId: string;
  };
};
