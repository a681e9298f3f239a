import { fileURLToPath } from 'node:url';

/**
 * scripts/build.ts defines this as true in the server bundle it writes to dist/server. Running from src/ (tests,
 * `npm run dev`, tsx) it is not defined.
 */
declare const KEYPULSE_BUILT: boolean | undefined;

/** True when this code runs from the production build, whose browser files and database template are in dist/. */
export const runsFromBuild = typeof KEYPULSE_BUILT !== 'undefined' && KEYPULSE_BUILT;

/** The build's output folder in this checkout (server bundle, browser files, embedded-database template). */
export const distDir = fileURLToPath(new URL('../../dist/', import.meta.url));
