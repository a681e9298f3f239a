import { hydrate } from 'preact';
import { SurveyApp } from './survey-page.js';
import { SURVEY_PROPS_ELEMENT_ID, SURVEY_ROOT_ID, type SurveyPageProps } from './types.js';

// The browser bundle: picks up the server-rendered form with the props it was rendered from (a JSON data
// block, which the CSP allows because it is never executed) and makes it save as the respondent goes.
const data = document.getElementById(SURVEY_PROPS_ELEMENT_ID);
const root = document.getElementById(SURVEY_ROOT_ID);
if (data?.textContent && root) {
  hydrate(<SurveyApp {...(JSON.parse(data.textContent) as SurveyPageProps)} />, root);
}
