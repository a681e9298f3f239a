import { Hono } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { describe, valid } from '../../http/validate.js';
import { audit } from '../../http/audit.js';
import { loadAccountFor } from '../../http/access.js';
import { estimateNpsLevel, type NpsCounts } from '../../domain/nps-stats.js';
import {
  auditAnswerStats,
  auditValueCounts,
  getSurveyDefinitions,
  latestAuditTexts,
  listAuditWaves,
  type AuditWaveRow,
} from '../../db/queries/audit-report.js';
import { npsCategory } from '../../../shared/answers.js';
import { toCsv } from '../../domain/csv.js';
import type { Question, SurveyDefinition } from '../../../shared/schemas/survey.js';
import { AuditReport, AuditReportQuery, type AuditQuestionReport } from '../../../shared/schemas/report.js';

/**
 * The key-account audit over its waves, question by question: marks out of ten (mean, spread, range), the share of
 * each option (supplier or partner), yes/no shares, the NPS with its margin, and the latest written answers with
 * who gave them. Questions are matched by key across survey versions; the newest version gives the order and text.
 */

const round = (value: number | null, places = 2) => (value === null ? null : Number(value.toFixed(places)));
const waveKey = (campaignId: string, wave: number) => `${campaignId}:${wave}`;

/** The questions of every version the waves used: newest version first, then keys only older versions had. */
function questionsOf(waves: AuditWaveRow[], definitions: Map<string, SurveyDefinition>): Question[] {
  const byKey = new Map<string, Question>();
  for (const wave of [...waves].reverse()) {
    for (const question of definitions.get(wave.surveyVersionId)?.questions ?? []) {
      if (!byKey.has(question.key)) byKey.set(question.key, question);
    }
  }
  return [...byKey.values()];
}

const OTHER = '__other';

export const auditReportRoutes = new Hono<AppEnv>().get(
  '/audit',
  describe({
    summary: 'Key-account audit per question over its waves: marks out of ten, supplier or partner, latest written answers',
    description:
      'Waves are the sends of audit campaigns (repeating campaigns have several), oldest first. Ratings give mean, ' +
      'sample standard deviation, min, max and n; choices and yes/no the share of each option; the NPS question its ' +
      'score and margin (finite-population corrected with the wave\'s invitations); text questions the latest five ' +
      'answers with the contact\'s name and level. `format=csv` answers one row per figure. Managers: own accounts only.',
    tags: ['Reports'],
    responses: { 200: AuditReport },
  }),
  valid('query', AuditReportQuery),
  async (c) => {
    const { db, config } = c.var.deps;
    const q = c.req.valid('query');
    const account = await loadAccountFor(c, q.accountId, 'view');
    const waves = await listAuditWaves(db, account.id);
    const [definitions, stats, counts, texts] = await Promise.all([
      getSurveyDefinitions(db, [...new Set(waves.map((w) => w.surveyVersionId))]),
      auditAnswerStats(db, account.id),
      auditValueCounts(db, account.id),
      latestAuditTexts(db, account.id, 5),
    ]);
    const statsOf = new Map(stats.map((s) => [`${waveKey(s.campaignId, s.wave)}:${s.key}`, s]));
    const countsOf = new Map<string, Map<string, number>>();
    for (const row of counts) {
      const id = `${waveKey(row.campaignId, row.wave)}:${row.key}`;
      const values = countsOf.get(id) ?? new Map<string, number>();
      values.set(row.value, row.count);
      countsOf.set(id, values);
    }
    const knownWaves = new Set(waves.map((w) => waveKey(w.campaignId, w.wave)));
    const textLabel = (question: Question) => question.text.en!.replaceAll('{company}', config.companyName);

    const questions = questionsOf(waves, definitions).map((question): AuditQuestionReport => {
      const head = { key: question.key, text: textLabel(question) };
      const at = (wave: AuditWaveRow) => `${waveKey(wave.campaignId, wave.wave)}:${question.key}`;
      const ref = (wave: AuditWaveRow) => ({ campaignId: wave.campaignId, wave: wave.wave });
      switch (question.kind) {
        case 'rating':
          return {
            ...head,
            kind: 'rating',
            waves: waves.map((wave) => {
              const numeric = statsOf.get(at(wave))?.numeric;
              return {
                ...ref(wave),
                n: numeric?.n ?? 0,
                mean: round(numeric?.mean ?? null),
                standardDeviation: round(numeric?.standardDeviation ?? null),
                min: numeric?.min ?? null,
                max: numeric?.max ?? null,
              };
            }),
          };
        case 'choice':
        case 'yes_no': {
          const options =
            question.kind === 'yes_no'
              ? [
                  { value: 'true', label: 'Yes' },
                  { value: 'false', label: 'No' },
                ]
              : [
                  ...question.options.map((o) => ({ value: o.value, label: o.label.en ?? o.value })),
                  ...(question.allowOther ? [{ value: OTHER, label: 'Other' }] : []),
                ];
          // Options only older versions offered still count where they were chosen.
          for (const wave of waves) {
            for (const value of countsOf.get(at(wave))?.keys() ?? []) {
              if (!options.some((o) => o.value === value)) options.push({ value, label: value === OTHER ? 'Other' : value });
            }
          }
          return {
            ...head,
            kind: question.kind,
            waves: waves.map((wave) => {
              const n = statsOf.get(at(wave))?.answered ?? 0;
              const chosen = countsOf.get(at(wave));
              return {
                ...ref(wave),
                n,
                options: options.map((o) => {
                  const count = chosen?.get(o.value) ?? 0;
                  return { ...o, count, share: n === 0 ? null : round(count / n, 4) };
                }),
              };
            }),
          };
        }
        case 'nps':
          return {
            ...head,
            kind: 'nps',
            waves: waves.map((wave) => {
              const tally: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
              for (const [value, count] of countsOf.get(at(wave)) ?? []) {
                const category = npsCategory(Number(value));
                if (category === 'promoter') tally.promoters += count;
                else if (category === 'passive') tally.passives += count;
                else tally.detractors += count;
              }
              // The wave asked the account's whole contact list: finite-population corrected (the one rule).
              const estimate = estimateNpsLevel(tally, { confidence: q.confidence, invited: wave.invited });
              return {
                ...ref(wave),
                responses: estimate.responses,
                promoters: estimate.promoters,
                passives: estimate.passives,
                detractors: estimate.detractors,
                nps: round(estimate.nps),
                marginOfError: round(estimate.marginOfError),
                asked: estimate.asked,
                everyoneAnswered: estimate.everyoneAnswered,
              };
            }),
          };
        case 'text':
          return {
            ...head,
            kind: 'text',
            latest: texts
              .filter((t) => t.key === question.key && knownWaves.has(waveKey(t.campaignId, t.wave)))
              .map((t) => ({
                campaignId: t.campaignId,
                wave: t.wave,
                responseId: t.responseId,
                contactId: t.contactId,
                contactName: t.contactName,
                contactLevel: t.contactLevel,
                answeredAt: t.answeredAt.toISOString(),
                text: t.text,
              })),
          };
      }
    });

    const report: AuditReport = {
      accountId: account.id,
      accountName: account.name,
      waves: waves.map((w) => ({
        campaignId: w.campaignId,
        campaignName: w.campaignName,
        wave: w.wave,
        sentAt: w.sentAt.toISOString(),
        invited: w.invited,
        responses: w.responses,
      })),
      questions,
    };
    if (q.format === 'csv') {
      await audit(c, 'export.downloaded', { type: 'account', id: account.id }, { what: 'audit_report', filters: q });
      return c.body(auditCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="keypulse-audit.csv"',
      });
    }
    return c.json(report);
  },
);

const auditCsvHeader = [
  'questionKey',
  'question',
  'kind',
  'campaignId',
  'campaignName',
  'wave',
  'waveSentAt',
  'measure',
  'value',
  'contactName',
  'contactLevel',
  'answeredAt',
] as const;

/** One row per figure (long format): easy to pivot in a spreadsheet, and every figure of the JSON is there. */
function auditCsv(report: AuditReport): string {
  const waveOf = new Map(report.waves.map((w) => [waveKey(w.campaignId, w.wave), w]));
  const rows: unknown[][] = [];
  const line = (question: { key: string; text: string; kind: string } | null, ref: { campaignId: string; wave: number }, measure: string, value: unknown, who: unknown[] = []) => {
    const wave = waveOf.get(waveKey(ref.campaignId, ref.wave));
    rows.push([question?.key ?? '', question?.text ?? '', question?.kind ?? 'wave', ref.campaignId, wave?.campaignName, ref.wave, wave?.sentAt, measure, value, ...who]);
  };
  for (const wave of report.waves) {
    line(null, wave, 'invited', wave.invited);
    line(null, wave, 'responses', wave.responses);
  }
  for (const question of report.questions) {
    if (question.kind === 'text') {
      for (const answer of question.latest) line(question, answer, 'answer', answer.text, [answer.contactName, answer.contactLevel, answer.answeredAt]);
      continue;
    }
    for (const wave of question.waves) {
      if ('mean' in wave) {
        for (const measure of ['n', 'mean', 'standardDeviation', 'min', 'max'] as const) line(question, wave, measure, wave[measure]);
      } else if ('options' in wave) {
        line(question, wave, 'n', wave.n);
        for (const option of wave.options) {
          line(question, wave, `count:${option.value}`, option.count);
          line(question, wave, `share:${option.value}`, option.share);
        }
      } else {
        for (const measure of ['responses', 'promoters', 'passives', 'detractors', 'nps', 'marginOfError'] as const) line(question, wave, measure, wave[measure]);
      }
    }
  }
  return toCsv(auditCsvHeader, rows);
}
