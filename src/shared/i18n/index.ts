import type { Messages } from './en.js';
import type { RespondentLanguage } from './languages.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { de } from './de.js';
import { pt } from './pt.js';
import { nl } from './nl.js';
import { it } from './it.js';

/**
 * Every respondent language: one catalogue file each in this folder. To add a language, copy en.ts to
 * `<code>.ts` (a BCP 47 base tag), translate its texts, add it here (the import and this list) and its code to
 * languages.ts; the
 * completeness test then checks it has every key and the same {placeholders}. Built-in survey templates
 * (src/server/domain/survey-templates.ts) need their texts in that language too.
 */
export const catalogues = { en, es, fr, de, pt, nl, it } as const satisfies Record<RespondentLanguage, Messages>;

export type Language = keyof typeof catalogues;
