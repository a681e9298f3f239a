import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { AppDeps, AppEnv } from './http/context.js';
import { AppError, errorCodeForStatus } from './http/errors.js';
import { limitBody } from './http/body-limit.js';
import { authenticate, csrfProtection } from './http/auth.js';
import { signInGate } from './http/sign-in-gate.js';
import { dataResponseHeaders } from './http/data-headers.js';
import { compressResponses } from './http/compression.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { redactPath } from './http/redact-path.js';
import { authRoutes, meRoutes } from './routes/auth.js';
import { myDayRoutes } from './routes/my-day.js';
import { userRoutes } from './routes/users.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { accountRoutes } from './routes/accounts.js';
import { contactRoutes } from './routes/contacts.js';
import { pageRoutes } from './routes/pages.js';
import { surveyRoutes } from './routes/surveys.js';
import { campaignRoutes } from './routes/campaigns.js';
import { messageRoutes } from './routes/messages.js';
import { webhookRoutes } from './routes/webhooks.js';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.js';
import { chatChannelRoutes } from './routes/chat-channels.js';
import { responseRoutes } from './routes/responses.js';
import { taskRoutes } from './routes/tasks.js';
import { followUpRuleRoutes } from './routes/follow-up-rules.js';
import { reportRoutes } from './routes/reports.js';
import { settingsRoutes } from './routes/settings.js';
import { brandRoutes } from './routes/brand.js';
import { surveyPageRoutes } from './routes/survey-pages.js';
import { sessionPageRoutes } from './routes/session-pages.js';
import { passwordPageRoutes } from './routes/password-pages.js';
import { passwordResetRoutes } from './routes/password-reset.js';
import { meSecurityRoutes } from './routes/me-security.js';
import { oidcRoutes } from './routes/oidc.js';
import { appPageRoutes } from './routes/app-pages.js';
import { surveyPreviewRoutes } from './routes/survey-preview.js';
import { keyAccountRoutes } from './routes/key-accounts.js';
import { stageChangeRoutes } from './routes/stage-changes.js';
import { criterionScoreRoutes } from './routes/criterion-scores.js';
import { accountValueRoutes } from './routes/account-values.js';
import { partnershipRoutes } from './routes/partnership.js';
import { touchpointRoutes } from './routes/touchpoints.js';
import { pulseRoutes } from './routes/pulses.js';
import { teamPulseRoutes } from './routes/team-pulses.js';
import { accountPlanRoutes } from './routes/account-plans.js';
import { planShareRoutes } from './routes/plan-shares.js';
import { sharedPlanPageRoutes } from './routes/shared-plan-pages.js';
import { programReportRoutes } from './routes/reports/program.js';
import { scorecardRoutes } from './routes/reports/scorecards.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { portfolioImportRoutes } from './routes/portfolio-import.js';
import { crmRoutes } from './routes/crm.js';
import { delightedImportRoutes, DELIGHTED_MAX_BYTES } from './routes/delighted-import.js';
import { healthRoutes, type HealthOptions } from './routes/health.js';
import type { ErrorEnvelope } from '../shared/schemas/common.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const API_VERSION = '0.1.0';

function buildApi() {
  return new Hono<AppEnv>()
    .route('/auth', authRoutes)
    .route('/me', meRoutes)
    .route('/me', myDayRoutes)
    .route('/me', meSecurityRoutes)
    .route('/auth/password-reset', passwordResetRoutes)
    .route('/users', userRoutes)
    .route('/api-keys', apiKeyRoutes)
    .route('/accounts', accountRoutes)
    .route('/', contactRoutes)
    .route('/surveys', surveyRoutes)
    .route('/campaigns', campaignRoutes)
    .route('/messages', messageRoutes)
    .route('/responses', responseRoutes)
    .route('/tasks', taskRoutes)
    .route('/follow-up-rules', followUpRuleRoutes)
    .route('/reports', reportRoutes)
    .route('/settings', settingsRoutes)
    .route('/key-accounts', keyAccountRoutes)
    .route('/', stageChangeRoutes)
    .route('/', criterionScoreRoutes)
    .route('/', accountValueRoutes)
    .route('/', partnershipRoutes)
    .route('/', touchpointRoutes)
    .route('/', pulseRoutes)
    .route('/', teamPulseRoutes)
    .route('/', accountPlanRoutes)
    .route('/', planShareRoutes)
    .route('/reports', programReportRoutes)
    .route('/reports', scorecardRoutes)
    .route('/chat-channels', chatChannelRoutes)
    .route('/webhooks', webhookEndpointRoutes)
    .route('/audit-log', auditLogRoutes)
    .route('/integrations', crmRoutes)
    .route('/import', delightedImportRoutes)
    .route('/import', portfolioImportRoutes);
}

/**
 * Builds the whole application from its dependencies; tests build it the same way. `isDraining` is the process's
 * shutdown state (main.ts): while it is true, `/readyz` sends load balancers elsewhere.
 */
export function createApp(deps: AppDeps, options: Partial<HealthOptions> = {}) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(compressResponses);
  app.use(dataResponseHeaders);
  app.use(async (c, next) => {
    c.set('deps', deps);
    c.set('auth', null);
    await next();
  });
  // Probes first: before sessions, body limits and the pages that would redirect them to /signin.
  app.route('/', healthRoutes({ isDraining: options.isDraining ?? (() => false) }));

  // Imports carry whole exports (tens of MB): a limit of their own instead of the API's 1 MB.
  const importBodyLimit = limitBody({
    maxSize: DELIGHTED_MAX_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', `the upload is larger than ${DELIGHTED_MAX_BYTES / 1024 / 1024} MB`);
    },
  });
  const apiBodyLimit = limitBody({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError('payload_too_large', `the body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
    },
  });
  app.use(
    '/api/*',
    (c, next) => (c.req.path.startsWith('/api/import/') ? importBodyLimit(c, next) : apiBodyLimit(c, next)),
    authenticate,
    signInGate(app, [
      ['GET', '/api/openapi.json'],
      ['GET', '/api/docs'],
    ]),
    csrfProtection,
  );
  app.route('/api', buildApi());
  app.use('/webhooks/*', limitBody({ maxSize: MAX_BODY_BYTES, onError: () => {
    throw new AppError('payload_too_large', 'the body is too large');
  } }));
  app.route('/webhooks', webhookRoutes);
  app.use('/s/*', limitBody({ maxSize: 256 * 1024, onError: () => {
    throw new AppError('payload_too_large', 'the answers are too long');
  } }));
  app.route('/', surveyPageRoutes);
  app.use('/p/*', limitBody({ maxSize: 64 * 1024, onError: () => {
    throw new AppError('payload_too_large', 'the form is too long');
  } }));
  app.route('/', sharedPlanPageRoutes);
  app.route('/', brandRoutes);
  app.use('/signin', limitBody({ maxSize: 64 * 1024, onError: () => {
    throw new AppError('payload_too_large', 'the form is too large');
  } }));
  app.route('/', sessionPageRoutes);
  app.use('/forgot-password', limitBody({ maxSize: 64 * 1024, onError: () => {
    throw new AppError('payload_too_large', 'the form is too large');
  } }));
  app.use('/reset-password', limitBody({ maxSize: 64 * 1024, onError: () => {
    throw new AppError('payload_too_large', 'the form is too large');
  } }));
  app.route('/', passwordPageRoutes);
  app.route('/auth/oidc', oidcRoutes);
  app.route('/', surveyPreviewRoutes);
  app.route('/', appPageRoutes);

  // Made at the first request that needs it: turning every route's schemas into JSON Schema is the slowest part of
  // assembling the app, and a start should not wait for a document few people read.
  let openApi: ReturnType<typeof buildOpenApiDocument> | undefined;
  const getOpenApi = () => (openApi ??= buildOpenApiDocument(app, { version: API_VERSION, serverUrl: deps.config.publicUrl }));
  app.get('/api/openapi.json', (c) => c.json(getOpenApi()));
  app.route('/', pageRoutes(getOpenApi));

  app.notFound((c) => {
    const body: ErrorEnvelope = { error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } };
    return c.json(body, 404);
  });

  app.onError((error, c) => {
    const rid = c.var.requestId;
    if (error instanceof AppError) {
      const body: ErrorEnvelope = { error: { code: error.code, message: error.message, issues: error.issues } };
      return c.json(body, error.status as 400, error.headers);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = /json/i.test(error.message) ? 'invalid_json' : errorCodeForStatus(error.status);
      const body: ErrorEnvelope = { error: { code, message: error.message || 'bad request' } };
      return c.json(body, error.status);
    }
    // Redacted here, whatever logger is plugged in: the path (and an error quoting it) may carry a link token.
    deps.logger.error('unhandled error', {
      requestId: rid,
      path: redactPath(c.req.path),
      error: redactPath(String(error)),
      stack: redactPath(String((error as Error).stack)),
    });
    const body: ErrorEnvelope = { error: { code: 'internal', message: 'something went wrong on our side', requestId: rid } };
    return c.json(body, 500);
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
