import { accentOn, textOnAccent } from '../../shared/schemas/settings.js';

/** The survey pages' default accent (survey.css): pages with it link no extra stylesheet. */
export const DEFAULT_ACCENT = '#0b57d0';

/**
 * The stylesheet that puts an accent colour on the survey pages (the CSP allows no inline style, so it is a file).
 * Its address is the colour itself, so it never changes and is cached for a year; nothing is read from the database.
 */
export function accentStylesheetUrl(accent: string): string | null {
  return accent.toLowerCase() === DEFAULT_ACCENT ? null : `/brand/accent-${accent.slice(1).toLowerCase()}.css`;
}

/** Labels on the accent are white or black (≥ 4.5:1 either way); links take the accent darkened or lightened to 4.5:1. */
export function accentStylesheet(accent: string): string {
  const on = textOnAccent(accent);
  return (
    `:root{--accent:${accent};--on-accent:${on};--accent-text:${accentOn(accent, '#ffffff')}}\n` +
    `@media (prefers-color-scheme:dark){:root{--accent:${accent};--on-accent:${on};--accent-text:${accentOn(accent, '#0d1117')}}}\n` +
    `@media print{:root{--accent:#000;--on-accent:#000;--accent-text:#000}}\n`
  );
}

