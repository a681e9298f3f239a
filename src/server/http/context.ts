import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Actor } from '../domain/permissions.js';
import type { LinkTokens } from '../auth/link-tokens.js';
import type { SecretBox } from '../auth/secret-box.js';
import type { EmailTransport } from '../email/transport.js';
import type { JobQueue } from '../jobs/queue.js';
import type { AnswerWrites } from '../services/answer-writes.js';
import type { LinkFloods } from '../services/link-floods.js';
import type { SignInLimits } from '../services/sign-in-limits.js';
import type { ApiKeyScope } from '../../shared/schemas/auth.js';

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
  /** Failed sign-ins counted in the database, and this process's cap on password checks at once. */
  signInLimits: SignInLimits;
  /** Survey and unsubscribe link tokens. */
  links: LinkTokens;
  /** Seals integration credentials (webhook URLs and secrets, CRM tokens) with a key from the server secret. */
  secrets: SecretBox;
  /** Resend when configured, else the local outbox. */
  transport: EmailTransport;
  jobs: JobQueue;
  /** Survey answers by link, written together when they arrive together. */
  answerWrites: AnswerWrites;
  /** Unknown survey and unsubscribe tokens counted per client address (floods get 429). */
  linkFloods: LinkFloods;
}

export type { Actor };

export interface AuthContext {
  user: Actor;
  via: 'session' | 'api_key';
  sessionId?: string;
  /** Set when `via` is 'api_key': what the key may do on top of its user's role. */
  scope?: ApiKeyScope;
}

export type AppEnv = {
  Variables: {
    deps: AppDeps;
    auth: AuthContext | null;
    requestId: string;
  };
};
