import type { Answers } from '../../shared/schemas/survey.js';

/**
 * The survey page's only I/O. It never throws: every way a save can end is a value the page shows.
 * - `invalid`: question key → message, already in the respondent's language (from `error.issues`);
 * - `gone`: the link expired or the survey closed meanwhile;
 * - `failed`: no answer from the server (offline, timeout, a server error) — worth trying again.
 */
export type SaveOutcome =
  | { ok: true; completed: boolean }
  | { ok: false; reason: 'invalid'; errors: Record<string, string> }
  | { ok: false; reason: 'gone' | 'failed' };

interface ErrorBody {
  error?: { issues?: { path?: unknown; message?: unknown }[] };
}

/** `answers.nps` (a schema issue) and `nps` (an answer check) both name the question `nps`. */
function questionKeyOf(path: string): string {
  const parts = path.split('.');
  return (parts[0] === 'answers' && parts.length > 1 ? parts[1] : parts[0]) ?? path;
}

export async function saveAnswers(token: string, answers: Answers, complete: boolean): Promise<SaveOutcome> {
  try {
    const res = await fetch(`/s/${encodeURIComponent(token)}/answers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ answers, complete }),
      credentials: 'same-origin',
    });
    if (res.ok) {
      const body = (await res.json()) as { completed?: unknown };
      return { ok: true, completed: body.completed === true };
    }
    if (res.status === 404) return { ok: false, reason: 'gone' };
    if (res.status === 400) {
      const body = (await res.json().catch(() => ({}))) as ErrorBody;
      const errors: Record<string, string> = {};
      for (const issue of body.error?.issues ?? []) {
        if (typeof issue.path === 'string' && typeof issue.message === 'string') errors[questionKeyOf(issue.path)] ??= issue.message;
      }
      if (Object.keys(errors).length) return { ok: false, reason: 'invalid', errors };
    }
    return { ok: false, reason: 'failed' };
  } catch {
    return { ok: false, reason: 'failed' };
  }
}
