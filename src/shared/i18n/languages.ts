/**
 * The respondent languages, English first: one catalogue each in this folder (index.ts). A plain list, light
 * enough for the workspace to import (the survey editor offers these); index.ts and the catalogue test fail
 * when the two disagree.
 */
export const respondentLanguages = ['en', 'es', 'fr', 'de', 'pt', 'nl', 'it'] as const;
export type RespondentLanguage = (typeof respondentLanguages)[number];
