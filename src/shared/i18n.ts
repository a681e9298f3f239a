import { catalogues, type Language } from './i18n/index.js';
import { addCatalogue } from './i18n/core.js';

/**
 * The respondent texts with every catalogue loaded: what the server imports. The message catalogues live in
 * ./i18n/ (one file per language, English the reference); the browser imports ./i18n/core.ts instead and
 * receives only the respondent's catalogue.
 */
for (const [lang, messages] of Object.entries(catalogues)) addCatalogue(lang, messages);

export * from './i18n/core.js';
export { catalogues, type Language };

/** The interface languages, English first. */
export const supportedLanguages = Object.keys(catalogues) as Language[];
