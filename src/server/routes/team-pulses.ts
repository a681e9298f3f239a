import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';
import { AppError, notFound } from '../http/errors.js';
import { describe, valid } from '../http/validate.js';
import { requireAuth } from '../http/auth.js';
import { loadAccountFor } from '../http/access.js';
import { periodKey } from '../domain/periods.js';
import { findTeamAccount, listAnswersOf, listMyTeamAccounts, upsertAnswer, type TeamPulseRow } from '../db/queries/team-pulses.js';
import { readAccountTeamPulse } from '../services/team-pulse-report.js';
import { IdParams } from '../../shared/schemas/common.js';
import {
  AccountTeamPulse,
  MyTeamPulse,
  MyTeamPulses,
  TeamPulseAccountParams,
  TeamPulseAnswerBody,
  TeamPulseQuery,
  type TeamPulseAnswer,
} from '../../shared/schemas/team-pulse.js';

const toAnswer = (row: TeamPulseRow): TeamPulseAnswer => ({
  deliveryMark: row.deliveryMark,
  collaborationMark: row.collaborationMark,
  friction: row.friction,
  doDifferently: row.doDifferently,
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * Our own team's voice: each half, the people of a key account's team (owner and account-team members) answer in
 * the app how well we deliver to it. Answers are never audited or logged with their words or marks (the audit log
 * shows who did what, and these answers are anonymous to everyone reading the results).
 */
export const teamPulseRoutes = new Hono<AppEnv>()
  .get(
    '/team-pulse',
    describe({
      summary: 'My team pulses this half: each key account whose team I am on, with my answer (null: not answered yet)',
      tags: ['Team pulse'],
      responses: { 200: MyTeamPulses },
    }),
    async (c) => {
      const { user } = requireAuth(c);
      const { db, clock, config } = c.var.deps;
      const period = periodKey(clock.now(), 'half_year', config.timeZone);
      const mine = await listMyTeamAccounts(db, user.id);
      const answers = await listAnswersOf(db, user.id, period, mine.map((m) => m.accountId));
      const pulses: MyTeamPulse[] = mine
        .map((m) => {
          const row = answers.find((a) => a.accountId === m.accountId);
          return { ...m, period, answer: row ? toAnswer(row) : null };
        })
        .sort((a, b) => Number(a.answer !== null) - Number(b.answer !== null) || a.accountName.localeCompare(b.accountName));
      return c.json({ period, pulses } satisfies MyTeamPulses);
    },
  )
  .put(
    '/team-pulse/:accountId',
    describe({
      summary: 'Answer (or revise) my team pulse for a key account this half',
      description:
        'Marks 0–10 for how well we deliver to the account and how smoothly our departments work together for it ' +
        '(10 = no friction), and optional words. Only the people on the account team (its owner and account-team ' +
        'members) may answer; for anyone else the account does not exist (404). Answering again in the same half ' +
        'revises the answer. Answered by a person in the app: an API key cannot answer for its owner (403).',
      tags: ['Team pulse'],
      responses: { 200: MyTeamPulse },
    }),
    valid('param', TeamPulseAccountParams),
    valid('json', TeamPulseAnswerBody),
    async (c) => {
      const auth = requireAuth(c);
      if (auth.via === 'api_key') throw new AppError('forbidden', 'a team pulse is answered by a person in the app, not with an API key');
      const { db, clock, config } = c.var.deps;
      const account = await findTeamAccount(db, c.req.valid('param').accountId, auth.user.id);
      if (!account) throw notFound('account');
      const now = clock.now();
      const period = periodKey(now, 'half_year', config.timeZone);
      const body = c.req.valid('json');
      const row = await upsertAnswer(
        db,
        { accountId: account.id, userId: auth.user.id, period, deliveryMark: body.deliveryMark, collaborationMark: body.collaborationMark, friction: body.friction, doDifferently: body.doDifferently },
        now,
      );
      const place = (await listMyTeamAccounts(db, auth.user.id)).find((m) => m.accountId === account.id);
      return c.json({ accountId: account.id, accountName: account.name, period, teamRole: place?.teamRole ?? 'Account team', answer: toAnswer(row) } satisfies MyTeamPulse);
    },
  )
  .get(
    '/accounts/:id/team-pulse',
    describe({
      summary: 'What our team says about an account in a half: marks with margins and words, without names',
      description:
        'Counts (asked, answered) always; mean marks with their margins and the words only once at least ' +
        '`minimumAnswers` (3) people answered, so nobody can be picked out; never who said what. Compared with the ' +
        'half before (significant only with at least 5 answers a side, beyond the combined margin). `period` defaults ' +
        'to the current half. Who sees it: the account manager, executives and admins (another manager: 404).',
      tags: ['Team pulse'],
      responses: { 200: AccountTeamPulse },
    }),
    valid('param', IdParams),
    valid('query', TeamPulseQuery),
    async (c) => {
      const { clock, config, db } = c.var.deps;
      const account = await loadAccountFor(c, c.req.valid('param').id, 'view');
      const period = c.req.valid('query').period ?? periodKey(clock.now(), 'half_year', config.timeZone);
      return c.json(await readAccountTeamPulse(db, account.id, period));
    },
  );
