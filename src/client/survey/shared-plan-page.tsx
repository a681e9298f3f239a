import { t, type MessageKey } from '../../shared/i18n/core.js';
import type { SharedPlan, SharedPlanAction } from '../../shared/schemas/plan-share.js';
import { SurveyShell } from './survey-shell.js';
import type { PageAssets, SurveyBrand } from './types.js';

/**
 * The account plan shared with a customer's contact (issue 14, part 3): server-rendered, no script, in the contact's
 * language. Every form posts and redirects back (post, redirect, get), so reload and back work as on any website.
 * It shows only what `readSharedPlan` hands it: joint goals, joint actions, their comments.
 */

export type SharedPlanNotice = 'comment' | 'done' | 'proposal';

export interface SharedPlanPageProps {
  token: string;
  plan: SharedPlan;
  companyName: string;
  ownerName: string;
  assets: PageAssets;
  brand: SurveyBrand;
  /** After a post: what just happened (shown once, from `?done=`). */
  notice?: SharedPlanNotice | null;
  /** A form sent back with a problem, with what was typed. */
  error?: { form: 'comment' | 'proposal' | 'action'; message: string; values?: Record<string, string> } | null;
}

const statusKey: Record<SharedPlanAction['status'], MessageKey> = {
  open: 'planStatusOpen',
  in_progress: 'planStatusInProgress',
  done: 'planStatusDone',
  dismissed: 'planStatusDismissed',
};

/** A calendar date (YYYY-MM-DD) or an instant, in the contact's language. */
function formatDate(lang: string, value: string): string {
  const date = value.length === 10 ? new Date(`${value}T12:00:00Z`) : new Date(value);
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  } catch {
    return value.slice(0, 10);
  }
}

export function SharedPlanPage(props: Readonly<SharedPlanPageProps>) {
  const { plan, token } = props;
  const lang = plan.language;
  const vars = { account: plan.accountName, company: props.companyName, owner: props.ownerName, name: plan.contactName };
  const base = `/p/${encodeURIComponent(token)}`;
  const title = t(lang, 'planTitle', vars);
  const noticeText =
    props.notice === 'comment' ? t(lang, 'planCommentSent', vars) : props.notice === 'proposal' ? t(lang, 'planProposalSent', vars) : props.notice === 'done' ? t(lang, 'planMarkedDone') : '';
  const err = props.error;
  const commentsOn = (actionId: string | null) => plan.comments.filter((c) => c.actionId === actionId);
  return (
    <SurveyShell title={title} lang={lang} assets={{ style: props.assets.style }} brand={props.brand}>
      <h1>{title}</h1>
      <p class="lead">{t(lang, 'planLead', vars)}</p>
      <p role="status" class="notice">
        {noticeText}
      </p>
      {err?.form === 'action' && (
        <p class="err" role="alert">
          {err.message}
        </p>
      )}

      <section aria-labelledby="goals-title">
        <h2 id="goals-title">{t(lang, 'planGoals')}</h2>
        {plan.goals.length ? (
          <dl class="plan-goals">
            {plan.goals.map((g) => (
              <div key={g.kind}>
                <dt>{t(lang, g.kind === 'value' ? 'planGoalValue' : 'planGoalRelationships')}</dt>
                <dd>{g.text}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p class="hint">{t(lang, 'planNoGoals')}</p>
        )}
      </section>

      <section aria-labelledby="actions-title">
        <h2 id="actions-title">{t(lang, 'planActions')}</h2>
        {plan.actions.length ? (
          <ul class="plan-actions">
            {plan.actions.map((a) => (
              <li key={a.id} id={`action-${a.id}`} class={`plan-action status-${a.status}`}>
                <h3>{a.title}</h3>
                <dl>
                  <div>
                    <dt>{t(lang, 'planSide')}</dt>
                    <dd>
                      {t(lang, a.side === 'theirs' ? 'planSideTheirs' : 'planSideOurs', vars)}
                      {a.proposedByContact && <span class="hint"> ({t(lang, 'planProposedBy', vars)})</span>}
                    </dd>
                  </div>
                  <div>
                    <dt>{t(lang, 'planOwner')}</dt>
                    <dd>{a.owner}</dd>
                  </div>
                  <div>
                    <dt>{t(lang, 'planStatus')}</dt>
                    <dd>{t(lang, statusKey[a.status])}</dd>
                  </div>
                  <div>
                    <dt>{t(lang, 'planDue')}</dt>
                    <dd>
                      <time dateTime={a.dueDate}>{formatDate(lang, a.dueDate)}</time>
                    </dd>
                  </div>
                </dl>
                {a.canMarkDone && (
                  <form method="post" action={`${base}/actions/${a.id}/done`}>
                    <button class="btn secondary" type="submit">
                      {t(lang, 'planMarkDone')}
                      <span class="vh">: {a.title}</span>
                    </button>
                  </form>
                )}
                {commentsOn(a.id).length > 0 && <Comments lang={lang} comments={commentsOn(a.id)} label={a.title} />}
              </li>
            ))}
          </ul>
        ) : (
          <p class="hint">{t(lang, 'planNoActions')}</p>
        )}
      </section>

      <section aria-labelledby="comments-title" id="comments">
        <h2 id="comments-title">{t(lang, 'planComments')}</h2>
        {commentsOn(null).length ? (
          <Comments lang={lang} comments={commentsOn(null)} label={t(lang, 'planCommentWholePlan')} />
        ) : plan.comments.length ? null : (
          <p class="hint">{t(lang, 'planNoComments')}</p>
        )}
        <form method="post" action={`${base}/comments`} class="plan-form">
          {plan.actions.length > 0 && (
            <p>
              <label class="qt" for="comment-about">
                {t(lang, 'planCommentAbout')}
              </label>
              <select id="comment-about" name="actionId">
                <option value="">{t(lang, 'planCommentWholePlan')}</option>
                {plan.actions.map((a) => (
                  <option key={a.id} value={a.id} selected={err?.form === 'comment' && err.values?.actionId === a.id}>
                    {a.title}
                  </option>
                ))}
              </select>
            </p>
          )}
          <p>
            <label class="qt" for="comment-body">
              {t(lang, 'planCommentLabel')}
            </label>
            {err?.form === 'comment' && (
              <span class="err" id="comment-error">
                {err.message}
              </span>
            )}
            <textarea
              id="comment-body"
              name="body"
              maxLength={4000}
              required
              aria-invalid={err?.form === 'comment' ? 'true' : undefined}
              aria-describedby={err?.form === 'comment' ? 'comment-error' : undefined}
            >
              {err?.form === 'comment' ? (err.values?.body ?? '') : ''}
            </textarea>
          </p>
          <button class="btn" type="submit">
            {t(lang, 'planCommentSend')}
          </button>
        </form>
      </section>

      <section aria-labelledby="propose-title" id="propose">
        <h2 id="propose-title">{t(lang, 'planProposeTitle')}</h2>
        <form method="post" action={`${base}/proposals`} class="plan-form">
          {err?.form === 'proposal' && (
            <p class="err" id="proposal-error">
              {err.message}
            </p>
          )}
          <p>
            <label class="qt" for="proposal-title">
              {t(lang, 'planProposeWhat')}
            </label>
            <input
              id="proposal-title"
              name="title"
              type="text"
              maxLength={200}
              required
              value={err?.form === 'proposal' ? (err.values?.title ?? '') : ''}
              aria-invalid={err?.form === 'proposal' ? 'true' : undefined}
              aria-describedby={err?.form === 'proposal' ? 'proposal-error' : undefined}
            />
          </p>
          <p>
            <label class="qt" for="proposal-due">
              {t(lang, 'planProposeDue')}
            </label>
            <input id="proposal-due" name="dueDate" type="date" value={err?.form === 'proposal' ? (err.values?.dueDate ?? '') : ''} />
          </p>
          <button class="btn" type="submit">
            {t(lang, 'planProposeSend')}
          </button>
        </form>
      </section>
      <p class="hint plan-expires">{t(lang, 'planExpires', { date: formatDate(lang, plan.expiresAt) })}</p>
    </SurveyShell>
  );
}

function Comments({ lang, comments, label }: Readonly<{ lang: string; comments: SharedPlan['comments']; label: string }>) {
  return (
    <ol class="plan-comments" aria-label={`${t(lang, 'planComments')}: ${label}`}>
      {comments.map((c) => (
        <li key={c.id} class={`plan-comment by-${c.author.kind}`}>
          <p class="plan-comment-meta">
            <strong>{c.author.name}</strong> · <time dateTime={c.createdAt}>{formatDate(lang, c.createdAt)}</time>
          </p>
          <p class="plan-comment-body">{c.body}</p>
        </li>
      ))}
    </ol>
  );
}

/** Revoked or expired link, or a contact no longer there: in their language, nothing about the plan. */
export function SharedPlanGonePage({ lang, companyName, assets }: Readonly<{ lang: string; companyName: string; assets: PageAssets }>) {
  return (
    <SurveyShell title={t(lang, 'planGoneTitle')} lang={lang} assets={{ style: assets.style }}>
      <h1>{t(lang, 'planGoneTitle')}</h1>
      <p class="lead">{t(lang, 'planGoneBody', { company: companyName })}</p>
    </SurveyShell>
  );
}
