import { describe, expect, it } from 'vitest';
import { defaultPortfolioSize, normalizeMinMax, rankAccounts, type SelectionCandidate } from '../../src/server/domain/key-account-selection.js';
import { accountTrend, analyzePareto, contributionOf, shiftQuarter, slope } from '../../src/server/domain/account-value.js';
import { partnershipTrend, scorePartnership } from '../../src/server/domain/partnership.js';
import { buildPipeline, stageAt } from '../../src/server/domain/pipeline.js';
import { parseValueImport } from '../../src/server/domain/value-import.js';

const criteria = [
  { id: 'r', key: 'annual_revenue', name: 'Annual revenue', source: 'annual_revenue' as const, weight: 50 },
  { id: 'j', key: 'fit', name: 'Fit', source: 'judgement' as const, weight: 50 },
];
const candidate = (over: Partial<SelectionCandidate> & { accountId: string }): SelectionCandidate => ({
  name: over.accountId,
  stage: 'customer',
  annualRevenue: null,
  grossProfit: null,
  lifetimeValue: null,
  costToServe: null,
  scores: {},
  ...over,
});

describe('choosing key accounts', () => {
  // Revenue 100 / 200 / 300 normalizes min–max to 1 / 3 / 5; D has no revenue, so only its judgement counts.
  const candidates = [
    candidate({ accountId: 'A', annualRevenue: 100, grossProfit: 50, costToServe: 10, scores: { j: 5 } }),
    candidate({ accountId: 'B', stage: 'key_account', annualRevenue: 200, grossProfit: 80, costToServe: 10, scores: { j: 2 } }),
    candidate({ accountId: 'C', annualRevenue: 300, grossProfit: 30, costToServe: 10, scores: { j: 1 } }),
    candidate({ accountId: 'D', costToServe: 70, scores: { j: 4 } }),
  ];
  const result = rankAccounts(criteria, candidates);
  const row = (id: string) => result.ranking.find((r) => r.accountId === id)!;

  it('scores each account as the weighted mean of its 1–5 criterion scores, with each contribution', () => {
    expect(normalizeMinMax(200, 100, 300)).toBe(3);
    expect(normalizeMinMax(7, 7, 7)).toBe(3);
    expect(row('A').score).toBe(3); // (50·1 + 50·5) / 100
    expect(row('A').contributions.map((c) => [c.normalized, c.contribution, c.origin])).toEqual([
      [1, 0.5, 'account'],
      [5, 2.5, 'judgement'],
    ]);
    expect(row('B').score).toBe(2.5); // (3 + 2) / 2
    expect(row('C').score).toBe(3); // (5 + 1) / 2
    expect(row('D').score).toBe(4); // revenue missing: only the judgement, weight 50 of 50
    expect(row('D').contributions[0]).toMatchObject({ normalized: null, contribution: 0, origin: 'missing' });
  });

  it('ranks by score, then revenue, and suggests the top of the ranking', () => {
    expect(result.ranking.map((r) => r.accountId)).toEqual(['D', 'C', 'A', 'B']);
    expect(defaultPortfolioSize(4)).toBe(3);
    expect(defaultPortfolioSize(50)).toBe(10);
    expect(defaultPortfolioSize(500)).toBe(20);
    expect(result.portfolioSize).toBe(3);
    expect(result.cutScore).toBe(3);
    expect(result.ranking.filter((r) => r.suggested).map((r) => r.accountId)).toEqual(['D', 'C', 'A']);
    expect(row('D').suggestion).toBe('promote');
    expect(row('B').suggestion).toBe('review');
    expect(rankAccounts(criteria, candidates, 20).portfolioSize).toBe(4);
  });

  it('warns about transactional accounts, costly key accounts, key accounts below the cut and missing scores', () => {
    const codes = (id: string) => row(id).warnings.map((w) => w.code);
    // C: top quarter by revenue, margin 10 % < half the median margin (40 %).
    expect(codes('C')).toEqual(['transactional']);
    expect(row('C').warnings[0]!.message).toBe('high revenue but low profit (margin 10 % against a median of 40 %): transactional?');
    // D: suggested, 70 % of the cost to serve for 0 % of the revenue; and not scored on revenue.
    expect(codes('D')).toEqual(['high_cost_to_serve', 'incomplete']);
    expect(codes('B')).toEqual(['below_cut']);
    expect(codes('A')).toEqual([]);
  });
});

describe('account value', () => {
  const rows = [
    { accountId: 'a1', quarter: '2026-Q2', revenue: 500, grossProfit: 100, teamCost: 20, discounts: 10 },
    { accountId: 'a2', quarter: '2026-Q2', revenue: 300, grossProfit: 60, teamCost: 10, discounts: 0 },
    { accountId: 'a3', quarter: '2026-Q2', revenue: 100, grossProfit: 30, teamCost: 0, discounts: 0 },
    { accountId: 'a4', quarter: '2026-Q2', revenue: 50, grossProfit: 20, teamCost: 0, discounts: 0 },
    { accountId: 'a5', quarter: '2026-Q2', revenue: 30, grossProfit: 10, teamCost: 0, discounts: 0 },
    { accountId: 'a6', quarter: '2026-Q2', revenue: 20, grossProfit: 5, teamCost: 15, discounts: 10 },
  ];

  it('computes the 80/20 check on the top 20 % of accounts by revenue', () => {
    const p = analyzePareto('2026-Q2', rows);
    expect(p.topCount).toBe(2); // ceil(0.2 · 6)
    expect(p.topAccountIds).toEqual(['a1', 'a2']);
    expect(p.totalRevenue).toBe(1000);
    expect(p.topRevenueShare).toBe(0.8); // 800 / 1000
    expect(p.totalGrossProfit).toBe(225);
    expect(p.topGrossProfitShare).toBe(0.7111); // 160 / 225
    expect(p.totalContribution).toBe(160); // 70 + 50 + 30 + 20 + 10 − 20
    expect(p.topContributionShare).toBe(0.75); // 120 / 160
    expect(contributionOf(rows[5]!)).toBe(-20);
    expect(analyzePareto('2026-Q2', []).topRevenueShare).toBeNull();
  });

  it('gives each account its trend over the quarters', () => {
    expect(slope([100, 80, 60, 40])).toBe(-20);
    expect(slope([5])).toBeNull();
    const trend = accountTrend('a1', [
      { quarter: '2026-Q2', revenue: 10, grossProfit: 40, teamCost: 0, discounts: 0 },
      { quarter: '2026-Q1', revenue: 10, grossProfit: 60, teamCost: 0, discounts: 0 },
      { quarter: '2025-Q4', revenue: 10, grossProfit: 100, teamCost: 10, discounts: 10 },
    ]);
    expect(trend.points.map((p) => [p.quarter, p.contribution])).toEqual([
      ['2025-Q4', 80],
      ['2026-Q1', 60],
      ['2026-Q2', 40],
    ]);
    expect(trend.contributionSlope).toBe(-20);
    expect(trend.direction).toBe('falling');
    expect(shiftQuarter('2026-Q1', -1)).toBe('2025-Q4');
    expect(shiftQuarter('2025-Q4', 3)).toBe('2026-Q3');
  });

  it('reads quarterly figures from CSV, amounts in currency units', () => {
    const rows = parseValueImport(
      'Account,Quarter,Revenue,Gross Profit,Team cost,Discounts\n' +
        'Acme,2026-q1,1250.5,-10,,5\n' +
        'Acme,2026-Q5,1,1,0,0\n' +
        'acme,2026-Q1,1,1,0,0\n' +
        'Beta,2026-Q1,12 000,1,0,0\n',
    );
    expect(rows[0]).toEqual({
      line: 2,
      ok: true,
      value: { account: 'Acme', quarter: '2026-Q1', revenue: 125050, grossProfit: -1000, teamCost: 0, discounts: 500 },
    });
    expect(rows[1]).toMatchObject({ line: 3, ok: false, errors: [{ column: 'quarter' }] });
    expect(rows[2]).toMatchObject({ line: 4, ok: false, errors: [{ column: 'quarter', message: 'this account and quarter are already on line 2' }] });
    expect(rows[3]).toMatchObject({ line: 5, ok: false, errors: [{ column: 'revenue' }] });
    expect(() => parseValueImport('account,revenue\nA,1\n')).toThrow(/missing column\(s\): quarter, grossProfit/);
  });
});

describe('partnership score', () => {
  it('counts partly as half and leaves unanswered indicators out', () => {
    const answers = [...Array(3).fill('yes'), ...Array(2).fill('partly'), ...Array(5).fill('no')];
    expect(scorePartnership(answers)).toEqual({ yes: 3, partly: 2, no: 5, score: 40 }); // (3 + 1) / 10
    expect(scorePartnership(['yes', 'partly', 'no']).score).toBe(50);
    expect(scorePartnership([]).score).toBeNull();
  });

  it('compares the latest assessment with the one before', () => {
    const at = (d: string) => new Date(`${d}T00:00:00Z`);
    expect(
      partnershipTrend([
        { assessedAt: at('2026-06-01'), score: 55 },
        { assessedAt: at('2026-01-01'), score: 40 },
        { assessedAt: at('2026-03-01'), score: null },
      ]),
    ).toEqual({ latest: 55, previous: 40, change: 15, direction: 'rising' });
    expect(partnershipTrend([{ assessedAt: at('2026-01-01'), score: 40 }]).direction).toBeNull();
  });
});

describe('pipeline', () => {
  const at = (d: string) => new Date(`${d}T00:00:00Z`);
  const accounts = [
    { id: 'X', stage: 'key_account' as const, createdAt: at('2026-01-01') },
    { id: 'Y', stage: 'customer' as const, createdAt: at('2026-02-01') },
    { id: 'Z', stage: 'customer' as const, createdAt: at('2026-07-01') },
  ];
  const changes = [
    { accountId: 'X', fromStage: 'customer' as const, toStage: 'key_account' as const, changedAt: at('2026-05-10') },
    { accountId: 'Y', fromStage: 'prospect' as const, toStage: 'customer' as const, changedAt: at('2026-04-15') },
  ];
  const periods = [
    { key: '2026-Q1', start: at('2026-01-01'), end: at('2026-04-01') },
    { key: '2026-Q2', start: at('2026-04-01'), end: at('2026-07-01') },
    { key: '2026-Q3', start: at('2026-07-01'), end: at('2026-10-01') },
  ];

  it('reads the stage at a moment from the history', () => {
    expect(stageAt(accounts[0]!, [changes[0]!], at('2026-03-01'))).toBe('customer');
    expect(stageAt(accounts[0]!, [changes[0]!], at('2026-06-01'))).toBe('key_account');
    expect(stageAt(accounts[2]!, [], at('2026-06-01'))).toBeNull();
    // An account entered later with its earlier history counts from its first recorded stage.
    const initial = { accountId: 'Z', fromStage: null, toStage: 'prospect' as const, changedAt: at('2025-06-01') };
    expect(stageAt(accounts[2]!, [initial], at('2026-06-01'))).toBe('prospect');
    expect(stageAt(accounts[2]!, [initial], at('2025-05-01'))).toBeNull();
  });

  it('counts accounts per stage at the end of each period and the movements in it', () => {
    const report = buildPipeline(accounts, changes, periods);
    expect(report.now).toEqual({ suspect: 0, prospect: 0, customer: 2, key_account: 1 });
    expect(report.periods.map((p) => p.atEnd)).toEqual([
      { suspect: 0, prospect: 1, customer: 1, key_account: 0 },
      { suspect: 0, prospect: 0, customer: 1, key_account: 1 },
      { suspect: 0, prospect: 0, customer: 2, key_account: 1 },
    ]);
    expect(report.periods[1]).toMatchObject({
      movements: [
        { from: 'prospect', to: 'customer', count: 1 },
        { from: 'customer', to: 'key_account', count: 1 },
      ],
      promotions: 2,
      demotions: 0,
    });
    expect(report.periods[2]!.movements).toEqual([]);
  });
});
