import { hydrate } from 'preact';
import { SurveyApp } from './survey-page.js';
import { addCatalogue, type Messages } from '../../shared/i18n/core.js';
import { SURVEY_MESSAGES_ELEMENT_ID, SURVEY_PROPS_ELEMENT_ID, SURVEY_ROOT_ID, type SurveyPageProps } from './types.js';

// The browser bundle: picks up the server-rendered form with the props it was rendered from (a JSON data
// block, which the CSP allows because it is never executed) and makes it save as the respondent goes.
// The script carries no catalogue: the page hands over the respondent's interface texts the same way.
const texts = document.getElementById(SURVEY_MESSAGES_ELEMENT_ID);
if (texts?.textContent) {
  const { lang, messages } = JSON.parse(texts.textContent) as { lang: string; messages: Partial<Messages> };
  addCatalogue(lang, messages);
}
const data = document.getElementById(SURVEY_PROPS_ELEMENT_ID);
const root = document.getElementById(SURVEY_ROOT_ID);
if (data?.textContent && root) {
  hydrate(<SurveyApp {...(JSON.parse(data.textContent) as SurveyPageProps)} />, root);
}
