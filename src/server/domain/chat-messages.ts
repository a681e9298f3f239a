import type { DetractorAlertPayload, RiskSummaryPayload } from '../../shared/schemas/chat-channels.js';

/*
 * Chat messages for Slack (Block Kit through an incoming webhook) and Microsoft Teams (an Adaptive Card posted to a
 * Workflows or incoming webhook), rendered from an event's frozen payload. Pure: the senders
 * (integrations/delivery/slack.ts, teams.ts) only post what these return.
 *
 * The customer's words and names come from outside: they are escaped for each format so that they can neither
 * mention a whole channel (`<!channel>`, `@here`) nor turn into a link or formatting that was not ours.
 */

/** Slack's documented limits: header text 150 characters, section text 3,000, a field 2,000, 50 blocks a message. */
export const SLACK_LIMITS = { header: 150, section: 3000, field: 2000, blocks: 50, buttonText: 75 } as const;
/** Their words are quoted up to this many characters; the task in the app holds the rest. */
export const MAX_QUOTE_CHARS = 600;
/** Accounts listed by name in a risk summary; the report holds the rest. */
export const MAX_SUMMARY_ACCOUNTS = 5;

const levelWords = { red: 'Red — at risk', amber: 'Amber — watch', green: 'Green — on track' } as const;
const levelEmoji = { red: ':red_circle:', amber: ':large_orange_circle:', green: ':large_green_circle:' } as const;
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Cuts to `max` characters (counting code points, so an emoji is never split), with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** Breaks `@channel`, `@here` and `@everyone` with a zero-width space, so quoted text never notifies a room. */
function defuseMentions(text: string): string {
  return text.replace(/@(channel|here|everyone)\b/gi, '@\u200b$1');
}

/**
 * Text for Slack's mrkdwn: `&`, `<` and `>` escaped as Slack documents (so `<!channel>`, `<@U123>` and `<url|x>`
 * cannot be formed), broadcast words defused.
 */
export function escapeSlack(text: string): string {
  return defuseMentions(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** Plain-text objects are not parsed for mentions or links; only the broadcast words are defused, for the fallback. */
function plainSlack(text: string): string {
  return defuseMentions(text);
}

/**
 * Text for an Adaptive Card TextBlock (a small Markdown subset). A link written by the customer (`[click](https://…)`)
 * is broken with an invisible zero-width space between `]` and `(`, so it shows as the text they typed and never as
 * a link of ours; backslash escapes are not used because not every Teams client removes them. Broadcast words defused.
 */
export function escapeTeams(text: string): string {
  return defuseMentions(text.replace(/\]\s*\(/g, ']\u200b('));
}

const ordinalScore = (score: number) => `${score}/10`;

function editionTitle(p: RiskSummaryPayload): string {
  if (!p.weekOf) return 'Account risk summary (sent on request)';
  const [y, m, d] = p.weekOf.split('-').map(Number) as [number, number, number];
  return `Monday Morning Report — week of ${d} ${months[m - 1]} ${y}`;
}

function whose(p: RiskSummaryPayload): string {
  return p.scope === 'portfolio' ? 'the whole portfolio' : p.ownerName ? `${p.ownerName}'s accounts` : 'your accounts';
}

function countsLine(p: RiskSummaryPayload): string {
  const { red, amber, green, total } = p.counts;
  return `${red} red, ${amber} amber and ${green} green of ${total} account${total === 1 ? '' : 's'}`;
}

/** Lines of a quote for Slack: each line starts with `>` (after escaping, so the customer cannot add their own). */
function slackQuote(text: string): string {
  return escapeSlack(truncate(text.trim(), MAX_QUOTE_CHARS))
    .split(/\r?\n/)
    .map((line) => `>${line}`)
    .join('\n');
}

/** A Slack `<url|label>` link; the URL is ours (public URL + ids), escaped anyway. */
function slackLink(url: string, label: string): string {
  return `<${url.replace(/[<>|]/g, encodeURIComponent)}|${escapeSlack(label).replace(/\|/g, '¦')}>`;
}

export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be (Slack asks for it alongside blocks). */
  text: string;
  blocks: Record<string, unknown>[];
}

export function renderDetractorAlertSlack(p: DetractorAlertPayload): SlackMessage {
  const title = `Detractor: ${p.contact.name} at ${p.account.name} answered ${ordinalScore(p.score)}`;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: plainSlack(truncate(title, SLACK_LIMITS.header)), emoji: false } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: truncate(`*Account*\n${escapeSlack(p.account.name)}`, SLACK_LIMITS.field) },
        { type: 'mrkdwn', text: truncate(`*Contact*\n${escapeSlack(p.contact.name)}`, SLACK_LIMITS.field) },
        { type: 'mrkdwn', text: `*NPS score*\n${ordinalScore(p.score)} (detractor)` },
      ],
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: p.comment?.trim() ? `*In their words*\n${slackQuote(p.comment)}` : '_They did not write a comment._' },
    },
    {
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the follow-up task' }, url: p.taskUrl, action_id: 'open_task', style: 'primary' }],
    },
  ];
  if (p.test) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'A test message from Keypulse: nobody answered this survey.' }] });
  const text = `${p.test ? '[Test] ' : ''}Detractor alert: ${escapeSlack(p.contact.name)} at ${escapeSlack(p.account.name)} answered ${ordinalScore(p.score)}. Follow-up task: ${p.taskUrl}`;
  return { text, blocks };
}

export function renderRiskSummarySlack(p: RiskSummaryPayload): SlackMessage {
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: plainSlack(truncate(editionTitle(p), SLACK_LIMITS.header)), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: `Account risk for ${escapeSlack(whose(p))}: *${countsLine(p)}*.` } },
  ];
  if (p.top.length) {
    blocks.push({ type: 'divider' });
    for (const a of p.top.slice(0, MAX_SUMMARY_ACCOUNTS)) {
      const reasons = a.reasons.slice(0, 3).map((r) => `• ${escapeSlack(r)}`);
      const owner = p.scope === 'portfolio' ? ` · ${escapeSlack(a.ownerName)}` : '';
      const text = [`${levelEmoji[a.level]} ${slackLink(a.url, a.name)} — ${levelWords[a.level]}${owner}`, ...reasons].join('\n');
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.section) } });
    }
    const more = p.counts.red + p.counts.amber - p.top.length;
    if (more > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${more} more at risk or to watch in the full report.` }] });
  } else {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'No account is red or amber this week.' } });
  }
  blocks.push({
    type: 'actions',
    elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the report' }, url: p.reportUrl, action_id: 'open_report' }],
  });
  const text = `${editionTitle(p)}: ${escapeSlack(whose(p))}, ${countsLine(p)}. ${p.reportUrl}`;
  return { text, blocks };
}

/*
 * Microsoft Teams: a message with one Adaptive Card attachment, the shape both Teams incoming webhooks and the
 * Workflows "Post to a channel when a webhook request is received" template accept. Version 1.4: what Teams renders
 * on every client.
 */

export interface TeamsMessage {
  type: 'message';
  attachments: { contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }[];
}

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: Record<string, unknown>[];
  actions: Record<string, unknown>[];
  msteams: { width: 'Full' };
}

function teamsMessage(body: Record<string, unknown>[], actions: Record<string, unknown>[]): TeamsMessage {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions,
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

const teamsLevelColor = { red: 'Attention', amber: 'Warning', green: 'Good' } as const;

export function renderDetractorAlertTeams(p: DetractorAlertPayload): TeamsMessage {
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
      text: escapeTeams(`${p.test ? '[Test] ' : ''}Detractor: ${p.contact.name} at ${p.account.name} answered ${ordinalScore(p.score)}`),
    },
    {
      type: 'FactSet',
      facts: [
        { title: 'Account', value: escapeTeams(p.account.name) },
        { title: 'Contact', value: escapeTeams(p.contact.name) },
        { title: 'NPS score', value: `${ordinalScore(p.score)} (detractor)` },
      ],
    },
    p.comment?.trim()
      ? { type: 'Container', style: 'emphasis', items: [
          { type: 'TextBlock', text: 'In their words', weight: 'Bolder', wrap: true },
          { type: 'TextBlock', text: escapeTeams(`“${truncate(p.comment.trim(), MAX_QUOTE_CHARS)}”`), wrap: true },
        ] }
      : { type: 'TextBlock', text: 'They did not write a comment.', isSubtle: true, wrap: true },
  ];
  if (p.test) body.push({ type: 'TextBlock', text: 'A test message from Keypulse: nobody answered this survey.', isSubtle: true, wrap: true });
  return teamsMessage(body, [{ type: 'Action.OpenUrl', title: 'Open the follow-up task', url: p.taskUrl }]);
}

export function renderRiskSummaryTeams(p: RiskSummaryPayload): TeamsMessage {
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', size: 'Large', weight: 'Bolder', wrap: true, text: escapeTeams(editionTitle(p)) },
    { type: 'TextBlock', wrap: true, text: escapeTeams(`Account risk for ${whose(p)}: ${countsLine(p)}.`) },
  ];
  if (p.top.length) {
    for (const a of p.top.slice(0, MAX_SUMMARY_ACCOUNTS)) {
      const owner = p.scope === 'portfolio' ? ` · ${a.ownerName}` : '';
      body.push({
        type: 'Container',
        separator: true,
        items: [
          { type: 'TextBlock', wrap: true, weight: 'Bolder', color: teamsLevelColor[a.level], text: escapeTeams(`${a.name} — ${levelWords[a.level]}${owner}`) },
          ...a.reasons.slice(0, 3).map((r) => ({ type: 'TextBlock', wrap: true, spacing: 'None', text: `• ${escapeTeams(r)}` })),
        ],
        selectAction: { type: 'Action.OpenUrl', url: a.url, title: 'Open the account' },
      });
    }
    const more = p.counts.red + p.counts.amber - p.top.length;
    if (more > 0) body.push({ type: 'TextBlock', wrap: true, isSubtle: true, text: `${more} more at risk or to watch in the full report.` });
  } else {
    body.push({ type: 'TextBlock', wrap: true, text: 'No account is red or amber this week.' });
  }
  return teamsMessage(body, [{ type: 'Action.OpenUrl', title: 'Open the report', url: p.reportUrl }]);
}

/*
 * Payloads, built when the event happens (and frozen in outgoing_events, so a retry sends the same message).
 */

interface ReportAccountLike {
  accountId: string;
  name: string;
  owner: { id: string; name: string };
  level: 'red' | 'amber' | 'green';
  reasons: { code: string; text: string }[];
}

/**
 * A reason as a chat channel shows it. The summary is not about one contact, so erasing a contact could not find it:
 * reasons that name people (`Decision maker Hana Sato silent: …`) keep their point without the names.
 */
function reasonForChat(reason: { code: string; text: string }): string {
  if (reason.code !== 'decision_maker_silent') return reason.text;
  const colon = reason.text.indexOf(':');
  const rest = colon >= 0 ? reason.text.slice(colon) : '';
  const many = /^(\d+) decision makers/.exec(reason.text);
  return `${many ? `${many[1]} decision makers silent` : 'A decision maker silent'}${rest}`;
}

/**
 * The risk summary for one audience: counts per colour, and the most at-risk accounts (red, then amber, in the
 * report's order: key accounts first, the higher score first) with their most serious reasons.
 */
export function summarizeRisk(
  accounts: ReportAccountLike[],
  edition: { edition: string; weekOf: string | null; scope: 'portfolio' | 'own'; ownerName: string | null; reportUrl: string },
  accountUrl: (accountId: string) => string,
): RiskSummaryPayload {
  const counts = { red: 0, amber: 0, green: 0, total: accounts.length };
  for (const a of accounts) counts[a.level]++;
  const atRisk = [...accounts.filter((a) => a.level === 'red'), ...accounts.filter((a) => a.level === 'amber')];
  return {
    ...edition,
    counts,
    top: atRisk.slice(0, MAX_SUMMARY_ACCOUNTS).map((a) => ({
      accountId: a.accountId,
      name: a.name,
      level: a.level,
      ownerName: a.owner.name,
      reasons: a.reasons.slice(0, 3).map(reasonForChat),
      url: accountUrl(a.accountId),
    })),
  };
}

/** The customer's own words: every text answer of the response, in question order, blank ones left out. */
export function customerWords(questions: { key: string; kind: string }[], answers: Record<string, unknown>): string | null {
  const texts = questions
    .filter((q) => q.kind === 'text')
    .map((q) => answers[q.key])
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '')
    .map((v) => v.trim());
  return texts.length ? texts.join('\n\n') : null;
}
