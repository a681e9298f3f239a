/**
 * A first visit to My day (nothing ever marked as seen) shows this many days of answers, not everything since the
 * beginning. Its own module without zod, so the My day page can read it without loading the schema library.
 */
export const FIRST_VISIT_DAYS = 30;
