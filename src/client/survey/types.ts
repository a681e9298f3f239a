import type { Answers, SurveyDefinition } from '../../shared/schemas/survey.js';

/** What the server hands the survey page, rendered on the server and again (hydrated) in the browser. */
export interface SurveyPageProps {
  /** The link token: the form posts back to /s/<token>. */
  token: string;
  /** The respondent's language (survey texts and interface). */
  lang: string;
  companyName: string;
  definition: SurveyDefinition;
  /** What was saved so far (partial answers are kept as the respondent goes). */
  answers: Answers;
  /** Question key → message, in the respondent's language (after a failed no-JS submit). */
  errors: Record<string, string>;
  /**
   * The score clicked in the email (`?score=N`), not yet saved. With JavaScript the page saves it at once;
   * without, the respondent confirms it with one button. A bare GET never records anything.
   */
  preselectedScore: number | null;
  /** 'form': answering; 'thanks': after submitting the whole survey. */
  view: 'form' | 'thanks';
  /** Set after a no-JS "confirm my score": show the rest of the form with a "score saved" note. */
  scoreJustSaved: boolean;
  /** The section shown first (1-based) in a survey of several sections (`?section=`, or after a no-JS post). */
  section?: number;
  /** Staff previewing the survey (`/survey-preview/:id`): the real form, but nothing is ever saved or posted. */
  preview?: boolean;
}

export const SURVEY_PROPS_ELEMENT_ID = 'survey-props';

/** The respondent's interface texts (`{ lang, messages }`, from `pageMessages`), registered before hydrating. */
export const SURVEY_MESSAGES_ELEMENT_ID = 'survey-messages';

/** The element the survey form is rendered into on the server and hydrated in the browser. */
export const SURVEY_ROOT_ID = 'survey-root';

/**
 * Who is asking: shown at the top of the respondent's pages (server-rendered only; not part of the hydrated props).
 * `accentStylesheet` is null for the default accent (survey.css has it).
 */
export interface SurveyBrand {
  companyName: string;
  logo: { url: string; width: number; height: number } | null;
  accentStylesheet: string | null;
}

/** The built browser files a page links to (content-hashed names, served by the server). */
export interface PageAssets {
  script: string;
  style: string;
}
