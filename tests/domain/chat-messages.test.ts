import { describe, expect, it } from 'vitest';
import {
  customerWords,
  escapeSlack,
  escapeTeams,
  MAX_QUOTE_CHARS,
  renderDetractorAlertSlack,
  renderDetractorAlertTeams,
  renderRiskSummarySlack,
  renderRiskSummaryTeams,
  summarizeRisk,
  truncate,
} from '../../src/server/domain/chat-messages.js';
import type { DetractorAlertPayload } from '../../src/shared/schemas/chat-channels.js';

const alert = (over: Partial<DetractorAlertPayload> = {}): DetractorAlertPayload => ({
  account: { id: '11111111-1111-4111-8111-111111111111', name: 'Acme & Sons <EU>' },
  contact: { id: '22222222-2222-4222-8222-222222222222', name: 'Hana Sato' },
  score: 3,
  comment: 'Slow support.\nPlease fix <!channel> @here [click](https://evil.example)',
  taskId: '33333333-3333-4333-8333-333333333333',
  taskUrl: 'https://kp.example/tasks/33333333-3333-4333-8333-333333333333',
  responseId: '44444444-4444-4444-8444-444444444444',
  ...over,
});

const account = (name: string, level: 'red' | 'amber' | 'green', owner = 'María') => ({
  accountId: `00000000-0000-4000-8000-${String(name.length).padStart(12, '0')}`,
  name,
  owner: { id: '55555555-5555-4555-8555-555555555555', name: owner },
  level,
  reasons: [{ code: 'low_nps', text: `${name} reason one` }, { code: 'x', text: 'two' }, { code: 'x', text: 'three' }, { code: 'x', text: 'four' }],
});

describe('escaping what customers wrote', () => {
  it('Slack: & < > escaped as Slack documents, so no <!channel>, <@user> or <url|link> can be formed', () => {
    expect(escapeSlack('a & b <!channel> <@U123> <https://x|y>')).toBe('a &amp; b &lt;!channel&gt; &lt;@U123&gt; &lt;https://x|y&gt;');
  });
  it('both: @channel, @here and @everyone cannot notify a room', () => {
    for (const escape of [escapeSlack, escapeTeams]) {
      const out = escape('hey @channel @Here @everyone me@heresy.com');
      expect(out).not.toMatch(/@(channel|here|everyone)\b/i);
      expect(out).toContain('me@heresy.com');
    }
  });
  it('Teams: a Markdown link typed by a customer does not become a link', () => {
    expect(escapeTeams('[click](https://evil.example)')).not.toMatch(/\]\(/);
  });
  it('truncates on characters, never splitting an emoji', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('😀😀😀', 2)).toBe('😀…');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('detractor alert', () => {
  it('Slack: header, fields, their words quoted, a button to the task, and a text fallback', () => {
    const m = renderDetractorAlertSlack(alert());
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions']);
    expect(m.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Detractor: Hana Sato at Acme & Sons <EU> answered 3/10', emoji: false } });
    const fields = (m.blocks[1] as any).fields.map((f: any) => f.text);
    expect(fields).toEqual(['*Account*\nAcme &amp; Sons &lt;EU&gt;', '*Contact*\nHana Sato', '*NPS score*\n3/10 (detractor)']);
    const quote = (m.blocks[2] as any).text.text as string;
    expect(quote).toBe('*In their words*\n>Slow support.\n>Please fix &lt;!channel&gt; @\u200bhere [click](https://evil.example)');
    expect((m.blocks[3] as any).elements[0]).toMatchObject({ type: 'button', url: alert().taskUrl });
    expect(m.text).toBe(`Detractor alert: Hana Sato at Acme &amp; Sons &lt;EU&gt; answered 3/10. Follow-up task: ${alert().taskUrl}`);
  });

  it('long words are cut, a missing comment is said, a test is marked', () => {
    const long = renderDetractorAlertSlack(alert({ comment: 'x'.repeat(5000) }));
    expect(((long.blocks[2] as any).text.text as string).length).toBeLessThan(MAX_QUOTE_CHARS + 40);
    const none = renderDetractorAlertSlack(alert({ comment: null, test: true }));
    expect((none.blocks[2] as any).text.text).toBe('_They did not write a comment._');
    expect(none.blocks.at(-1)!.type).toBe('context');
    expect(none.text.startsWith('[Test] ')).toBe(true);
    const header = renderDetractorAlertSlack(alert({ account: { ...alert().account, name: 'A'.repeat(400) } }));
    expect((header.blocks[0] as any).text.text.length).toBeLessThanOrEqual(150);
  });

  it('Teams: a message with one Adaptive Card 1.4 attachment, facts, their words, and an Open URL action', () => {
    const m = renderDetractorAlertTeams(alert());
    expect(m.type).toBe('message');
    expect(m.attachments).toHaveLength(1);
    const { contentType, content } = m.attachments[0]!;
    expect(contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(content).toMatchObject({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4' });
    expect(content.body.map((b) => b.type)).toEqual(['TextBlock', 'FactSet', 'Container']);
    expect((content.body[1] as any).facts).toContainEqual({ title: 'NPS score', value: '3/10 (detractor)' });
    expect(JSON.stringify(content.body[2])).toContain('Slow support.');
    expect(content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the follow-up task', url: alert().taskUrl }]);
  });
});

describe('risk summary', () => {
  const accounts = [account('Green Co', 'green'), account('Amber Co', 'amber'), account('Red One', 'red'), account('Red Two', 'red', 'Tom')];
  const portfolio = summarizeRisk(
    accounts,
    { edition: '2026-W11', weekOf: '2026-03-09', scope: 'portfolio', ownerName: null, reportUrl: 'https://kp.example/overview' },
    (id) => `https://kp.example/accounts/${id}`,
  );

  it('counts per colour; lists red then amber accounts (report order kept) with at most three reasons each', () => {
    expect(portfolio.counts).toEqual({ red: 2, amber: 1, green: 1, total: 4 });
    expect(portfolio.top.map((a) => a.name)).toEqual(['Red One', 'Red Two', 'Amber Co']);
    expect(portfolio.top[0]!.reasons).toEqual(['Red One reason one', 'two', 'three']);
  });

  it('lists at most five accounts and says how many more are in the report', () => {
    const many = summarizeRisk(
      Array.from({ length: 8 }, (_, i) => account(`Red ${'x'.repeat(i)}`, 'red')),
      { edition: 'e', weekOf: null, scope: 'own', ownerName: 'María', reportUrl: 'https://kp.example/my-day' },
      (id) => `https://kp.example/accounts/${id}`,
    );
    expect(many.top).toHaveLength(5);
    const slack = renderRiskSummarySlack(many);
    expect(JSON.stringify(slack.blocks)).toContain('3 more at risk or to watch in the full report.');
    expect(slack.text).toContain("María's accounts");
    expect((slack.blocks[0] as any).text.text).toBe('Account risk summary (sent on request)');
  });

  it('Slack: header with the week, counts, one section per account with a link, and a button to the report', () => {
    const m = renderRiskSummarySlack(portfolio);
    expect((m.blocks[0] as any).text.text).toBe('Monday Morning Report — week of 9 March 2026');
    expect((m.blocks[1] as any).text.text).toBe('Account risk for the whole portfolio: *2 red, 1 amber and 1 green of 4 accounts*.');
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'divider', 'section', 'section', 'section', 'actions']);
    expect((m.blocks[3] as any).text.text).toMatch(/^:red_circle: <https:\/\/kp\.example\/accounts\/[^|]+\|Red One> — Red — at risk · María\n• Red One reason one/);
    expect((m.blocks.at(-1) as any).elements[0].url).toBe('https://kp.example/overview');
  });

  it('Teams: the same content as an Adaptive Card; a quiet week says so', () => {
    const card = renderRiskSummaryTeams(portfolio).attachments[0]!.content;
    expect(card.body).toHaveLength(2 + 3);
    expect(card.actions[0]).toMatchObject({ type: 'Action.OpenUrl', url: 'https://kp.example/overview' });
    const quiet = summarizeRisk([account('Fine', 'green')], { edition: 'e', weekOf: '2026-03-09', scope: 'portfolio', ownerName: null, reportUrl: 'u' }, (id) => id);
    expect(JSON.stringify(renderRiskSummaryTeams(quiet))).toContain('No account is red or amber this week.');
    expect(JSON.stringify(renderRiskSummarySlack(quiet).blocks)).toContain('No account is red or amber this week.');
  });
});

describe('people named in risk reasons', () => {
  it('are left out of the chat summary (it is not erased with the contact), the point of the reason kept', () => {
    const named = (text: string) => ({ ...account('Named', 'red'), reasons: [{ code: 'decision_maker_silent', text }] });
    const one = summarizeRisk([named('Decision maker Hana Sato silent: no answer in the last two waves and no touch in 90 days')], { edition: 'e', weekOf: null, scope: 'portfolio', ownerName: null, reportUrl: 'u' }, (id) => id);
    expect(one.top[0]!.reasons).toEqual(['A decision maker silent: no answer in the last two waves and no touch in 90 days']);
    const two = summarizeRisk([named('2 decision makers silent (Hana Sato, Ken Ito): no answer in the last two waves and no touch in 90 days')], { edition: 'e', weekOf: null, scope: 'portfolio', ownerName: null, reportUrl: 'u' }, (id) => id);
    expect(two.top[0]!.reasons[0]).toBe('2 decision makers silent: no answer in the last two waves and no touch in 90 days');
  });
});

describe('customer words', () => {
  it('are the text answers in question order, blank ones left out', () => {
    const questions = [{ key: 'nps', kind: 'nps' }, { key: 'why', kind: 'text' }, { key: 'more', kind: 'text' }, { key: 'blank', kind: 'text' }];
    expect(customerWords(questions, { nps: 3, why: ' Slow ', more: 'Costly', blank: '  ' })).toBe('Slow\n\nCostly');
    expect(customerWords(questions, { nps: 3 })).toBeNull();
  });
});
